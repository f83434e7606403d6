import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small real SSE server (HTTP on a free port) for the stream logic: it keeps an event log, replays
 * after `Last-Event-ID` as the real server must, and lets each test script how each connection breaks.
 */
export interface LoggedEvent {
  id: string
  type: string
  data: unknown
  dropId?: string
  createdAt?: string
}

export interface Connection {
  n: number
  lastEventId: string | null
  url: URL
  headers: Headers
  cancelled: boolean
}

/** What connection `n` does: the events it sends (from the replay point) and how it ends. */
export type Script = (conn: Connection, backlog: LoggedEvent[]) => {
  events: LoggedEvent[]
  /** after the events: `close` ends cleanly, `error` kills the stream, `open` keeps it (heartbeats), `silent` keeps it without a byte. */
  end: 'close' | 'error' | 'open' | 'silent'
  /** half an event written just before the end, which must never be delivered */
  partial?: boolean
  /** send every event in one write (one chunk for the client) instead of one write each */
  together?: boolean
  retryMs?: number
}

/** A frame as the real server writes it: the payload inside a `{type, dropId?, data, createdAt}` envelope. */
export const frame = (e: LoggedEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ type: e.type, dropId: e.dropId, data: e.data, createdAt: e.createdAt })}\n\n`

export async function startSseServer(log: LoggedEvent[], script: Script, opts: { before?: (req: Request, conn: Connection) => Response | undefined } = {}) {
  const connections: Connection[] = []
  // node:http rather than Bun.serve: `socket.destroy()` cuts a connection the way a network failure does.
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const conn: Connection = { n: connections.length + 1, lastEventId: headers.get('last-event-id'), url, headers, cancelled: false }
    const early = opts.before?.(new Request(url, { method: req.method, headers }), conn)
    if (early) {
      const out: Record<string, string> = {}
      early.headers.forEach((v, k) => (out[k] = v))
      res.writeHead(early.status, out)
      res.end(Buffer.from(await early.arrayBuffer()))
      return
    }
    connections.push(conn)
    const from = conn.lastEventId === null ? 0 : log.findIndex((e) => e.id === conn.lastEventId) + 1
    const plan = script(conn, log.slice(from))
    let heartbeat: ReturnType<typeof setInterval> | undefined
    res.on('close', () => {
      conn.cancelled = true
      clearInterval(heartbeat)
    })
    const send = (text: string) => {
      if (!conn.cancelled) res.write(text)
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    send(`: hello\n${plan.retryMs !== undefined ? `retry: ${plan.retryMs}\n` : ''}\n`)
    if (plan.together) send(plan.events.map(frame).join(''))
    else {
      for (const e of plan.events) {
        await Bun.sleep(2)
        send(frame(e))
      }
    }
    if (plan.partial) send(`id: never\nevent: drop.stock\ndata: {"half":`)
    await Bun.sleep(5)
    if (conn.cancelled) return
    if (plan.end === 'close') res.end()
    else if (plan.end === 'error') req.socket.destroy()
    else if (plan.end === 'open') heartbeat = setInterval(() => send(': ping\n\n'), 50)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    stop: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}

export const makeLog = (n: number): LoggedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: String(i + 1),
    type: i === 0 ? 'drop.live' : 'drop.stock',
    data: { availableStock: 100 - i },
    dropId: '01900000-0000-7000-8000-0000000000d1',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  }))
