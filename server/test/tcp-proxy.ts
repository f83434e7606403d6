/**
 * A byte pipe from 127.0.0.1:`port` to a target (PostgreSQL, usually) that a test can cut, freeze, slow down
 * with jitter, or cut at one exact message. No mocks: the process under test talks to the real target over
 * real sockets, through this.
 */
import type { Socket, TCPSocketListener } from 'bun'
import { testPort } from './helpers'

/** What an interceptor decides for a chunk from the client: forward it, or cut the connection without forwarding it. */
export type Verdict = 'pass' | 'cut'
/** Sees every chunk the client sends, with an object that stands for its connection (for per-connection state). */
export type Interceptor = (conn: object, chunk: Uint8Array) => Verdict

export interface TcpProxy {
  port: number
  /** the target's URL with host and port replaced by the proxy's */
  via(url: string): string
  /** accept connections again */
  start(): void
  /** refuse new connections and cut the open ones, like a database that went away */
  stop(): void
  /** keep every connection open but let no byte through either way: a silent network partition */
  freeze(): void
  /** delay every chunk, both ways, by a random [min, max] ms (order kept per direction); null: no delay */
  jitter(range: { minMs: number; maxMs: number } | null): void
  /** run every client chunk past `fn` (null: none); a 'cut' ends both sides at once, the chunk never arrives */
  intercept(fn: Interceptor | null): void
  /** connections open right now */
  connections(): number
  close(): void
}

/**
 * One direction of a pair: writes in order, keeps what the socket did not take (Bun's write() may accept
 * only part of a chunk under load; dropping the rest would corrupt the protocol stream) until `drain`, and
 * holds chunks back by the jitter delay when one is set.
 */
function outbound(delay: () => number) {
  let socket: Socket<any> | null = null
  const queue: Array<{ due: number; bytes: Uint8Array }> = []
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastDue = 0
  let ended = false
  const pump = () => {
    timer = null
    if (!socket) return
    while (queue.length) {
      const head = queue[0]
      const wait = head.due - performance.now()
      if (wait > 0) {
        timer = setTimeout(pump, wait)
        return
      }
      const n = socket.write(head.bytes)
      if (n < head.bytes.length) {
        head.bytes = head.bytes.subarray(Math.max(0, n))
        return // the rest goes on `drain`
      }
      queue.shift()
    }
    if (ended) socket.end()
  }
  return {
    attach(s: Socket<any>) {
      socket = s
      pump()
    },
    push(chunk: Uint8Array) {
      const d = delay()
      // Never earlier than the chunk before it: jitter reorders nothing within a direction, like TCP.
      const due = d > 0 ? Math.max(performance.now() + d, lastDue) : lastDue
      lastDue = due
      queue.push({ due, bytes: new Uint8Array(chunk) })
      if (!timer) pump()
    },
    drain: () => pump(),
    /** end after what is queued */
    end() {
      ended = true
      if (!timer && !queue.length) socket?.end()
    },
    clear() {
      if (timer) clearTimeout(timer)
      timer = null
      queue.length = 0
    },
  }
}

type Pair = { up: Socket<any> | null; toUp: ReturnType<typeof outbound>; toClient: ReturnType<typeof outbound>; conn: object }

export function tcpProxy(basePort: number, target: { host: string; port: number }): TcpProxy {
  const port = testPort(basePort)
  const open = new Set<Socket<Pair>>()
  let frozen = false
  let range: { minMs: number; maxMs: number } | null = null
  let hook: Interceptor | null = null
  let listener: TCPSocketListener<Pair> | null = null
  const delay = () => (range ? range.minMs + Math.random() * (range.maxMs - range.minMs) : 0)

  const cut = (client: Socket<Pair>) => {
    open.delete(client)
    client.data.toUp.clear()
    client.data.toClient.clear()
    client.data.up?.terminate()
    client.terminate()
  }

  const start = () => {
    if (listener) return
    listener = Bun.listen<Pair>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(client) {
          client.data = { up: null, toUp: outbound(delay), toClient: outbound(delay), conn: {} }
          client.data.toClient.attach(client)
          open.add(client)
          Bun.connect({
            hostname: target.host,
            port: target.port,
            socket: {
              open(up) {
                client.data.up = up
                client.data.toUp.attach(up)
              },
              data(_up, chunk) {
                if (!frozen) client.data.toClient.push(chunk)
              },
              drain: () => client.data.toUp.drain(),
              close: () => client.data.toClient.end(),
              error: () => client.data.toClient.end(),
            },
          }).catch(() => client.end())
        },
        data(client, chunk) {
          if (frozen) return
          if (hook && hook(client.data.conn, chunk) === 'cut') return cut(client)
          client.data.toUp.push(chunk)
        },
        drain: (client) => client.data.toClient.drain(),
        close(client) {
          open.delete(client)
          client.data.toUp.end()
        },
        error(client) {
          client.data.toUp.end()
        },
      },
    })
  }
  const stop = () => {
    frozen = false
    listener?.stop(true)
    listener = null
    for (const s of [...open]) cut(s)
  }
  return {
    port,
    via: (url) => viaPort(url, port),
    start,
    stop,
    freeze() {
      frozen = true
    },
    jitter(r) {
      range = r
    },
    intercept(fn) {
      hook = fn
    },
    connections: () => open.size,
    close: stop,
  }
}

/** `url` with its host and port replaced by this machine's `port`: the same database or server, reached through a stand-in. */
export function viaPort(url: string, port: number): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}
