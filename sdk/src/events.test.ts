import { afterEach, describe, expect, test } from 'bun:test'
import { makeLog, startSseServer, type LoggedEvent } from '../test/sse-server'
import { createLiveDrop, LiveDropError, type LiveDropEvent } from './index'

const DROP = '01900000-0000-7000-8000-0000000000d1'
let servers: Array<{ stop(): void }> = []
afterEach(() => {
  for (const s of servers) s.stop()
  servers = []
})
const serve = async (...args: Parameters<typeof startSseServer>) => {
  const s = await startSseServer(...args)
  servers.push(s)
  return s
}
const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await Bun.sleep(5)
  return cond()
}

describe('subscribe', () => {
  test('a stream interrupted mid-way (twice, mid-event) resumes with Last-Event-ID without missing or repeating an event', async () => {
    const log = makeLog(10)
    const srv = await serve(log, (conn, backlog) => {
      if (conn.n === 1) return { events: backlog.slice(0, 3), end: 'error', partial: true, retryMs: 20 }
      if (conn.n === 2) return { events: backlog.slice(0, 4), end: 'close', partial: true }
      return { events: backlog, end: 'open' }
    })
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ac = new AbortController()
    const got: LiveDropEvent[] = []
    const started = Date.now()
    // retryMs 10 s unless the server's `retry: 20` is honoured: the test would then take 20 s.
    for await (const e of ld.subscribe({ dropId: DROP }, { signal: ac.signal, retryMs: 10_000 })) {
      got.push(e)
      if (got.length === log.length) ac.abort()
    }
    expect(got).toEqual(log as LiveDropEvent[])
    expect(srv.connections.map((c) => c.lastEventId)).toEqual([null, '3', '7'])
    expect(srv.connections.every((c) => c.url.pathname === `/v1/drops/${DROP}/events`)).toBe(true)
    expect(srv.connections[0].headers.get('accept')).toBe('text/event-stream')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await until(() => srv.connections[2].cancelled)).toBe(true) // abort closed the connection
  })

  test('reconnections are spread from the first retry on: clients dropped together do not return together', async () => {
    const log = makeLog(3)
    const back: number[] = []
    let closedAt = 0
    const srv = await serve(log, (conn, backlog) => {
      if (conn.lastEventId === null) {
        closedAt = Date.now()
        return { events: backlog.slice(0, 1), end: 'close', retryMs: 400 }
      }
      back.push(Date.now() - closedAt)
      return { events: backlog.slice(0, 1), end: 'open' }
    })
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ac = new AbortController()
    const clients = Array.from({ length: 12 }, async () => {
      let n = 0
      for await (const _ of ld.subscribe({ dropId: DROP }, { signal: ac.signal })) if (++n === 2) break
    })
    await Promise.all(clients)
    ac.abort()
    expect(back.length).toBe(12)
    back.sort((a, b) => a - b)
    // Half to all of the server's 400 ms, spread out (without jitter all 12 come back within a few ms).
    expect(back[0]).toBeGreaterThanOrEqual(150)
    expect(back[11]).toBeLessThan(700)
    expect(back[11] - back[0]).toBeGreaterThan(80)
  })

  test('an abort ends the iteration at once, even with more events already received in the same chunk', async () => {
    const log = makeLog(5)
    const srv = await serve(log, (_c, backlog) => ({ events: backlog, end: 'open', together: true }))
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ac = new AbortController()
    const got: Array<string | undefined> = []
    for await (const e of ld.subscribe({ dropId: DROP }, { signal: ac.signal })) {
      got.push(e.id)
      ac.abort()
    }
    expect(got).toEqual(['1'])
  })

  test('resumes from a saved lastEventId, and breaking out of the loop closes the connection', async () => {
    const log = makeLog(6)
    const srv = await serve(log, (_c, backlog) => ({ events: backlog, end: 'open' }))
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ids: Array<string | undefined> = []
    for await (const e of ld.subscribe({ dropId: DROP }, { lastEventId: '4' })) {
      ids.push(e.id)
      if (ids.length === 2) break
    }
    expect(ids).toEqual(['5', '6'])
    expect(srv.connections[0].lastEventId).toBe('4')
    expect(await until(() => srv.connections[0].cancelled)).toBe(true)
  })

  test('aborting while idle ends the iteration quietly', async () => {
    const srv = await serve([], () => ({ events: [], end: 'open' }))
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const got: LiveDropEvent[] = []
    for await (const e of ld.subscribe({ dropId: DROP }, { signal: ac.signal })) got.push(e)
    expect(got).toEqual([])
    expect(await until(() => srv.connections[0]?.cancelled === true)).toBe(true)
  })

  test('a silent stream (no heartbeat) is dropped after idleTimeoutMs and resumed', async () => {
    const log = makeLog(4)
    const srv = await serve(log, (conn, backlog) => (conn.n === 1 ? { events: backlog.slice(0, 2), end: 'silent', retryMs: 10 } : { events: backlog, end: 'open' }))
    const ld = createLiveDrop({ baseUrl: srv.url })
    const ac = new AbortController()
    const got: string[] = []
    for await (const e of ld.subscribe({ dropId: DROP }, { signal: ac.signal, idleTimeoutMs: 300 })) {
      got.push(e.id!)
      if (got.length === 4) ac.abort()
    }
    expect(got).toEqual(['1', '2', '3', '4'])
    expect(srv.connections.map((c) => c.lastEventId)).toEqual([null, '2'])
    expect(srv.connections[0].cancelled).toBe(true)
  })

  test('an unknown drop ends the iteration with a LiveDropError; 503 is retried after Retry-After', async () => {
    const log = makeLog(2)
    let refusals = 0
    const srv = await serve(log, (_c, backlog) => ({ events: backlog, end: 'open' }), {
      before: (req) => {
        if (req.url.includes('/missing/')) {
          return Response.json({ type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND', requestId: 'r1' }, { status: 404, headers: { 'content-type': 'application/problem+json' } })
        }
        if (refusals++ === 0) return new Response('busy', { status: 503, headers: { 'retry-after': '1' } })
      },
    })
    const ld = createLiveDrop({ baseUrl: srv.url })
    const err = await ld.subscribe({ dropId: 'missing' }).next().then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(LiveDropError)
    expect((err as LiveDropError).code).toBe('NOT_FOUND')

    const started = Date.now()
    const got: string[] = []
    for await (const e of ld.subscribe({ dropId: DROP }, { retryMs: 10 })) {
      got.push(e.id!)
      if (got.length === 2) break
    }
    expect(got).toEqual(['1', '2'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000) // waited as Retry-After asked
  })

  test('personal stream with tickets: a fresh single-use ticket per connection, no Authorization header on the stream', async () => {
    const log: LoggedEvent[] = [
      { id: 'a1', type: 'order.confirmed', data: { orderId: 'o1' } },
      { id: 'a2', type: 'drop.live', data: { dropId: DROP } },
      { id: 'a3', type: 'order.cancelled', data: { orderId: 'o1' } },
    ]
    const issued = new Set<string>()
    const used = new Set<string>()
    const srv = await serve(log, (conn, backlog) => (conn.n === 1 ? { events: backlog.slice(0, 2), end: 'close', retryMs: 10 } : { events: backlog, end: 'open' }), {
      before: (req, conn) => {
        if (conn.url.pathname === '/v1/realtime/tickets') {
          if (req.method !== 'POST' || req.headers.get('authorization') !== 'Bearer access-1') return new Response(null, { status: 401 })
          const ticket = crypto.randomUUID()
          issued.add(ticket)
          return Response.json({ ticket, expiresAt: new Date(Date.now() + 30_000).toISOString() }, { status: 201 })
        }
        const ticket = conn.url.searchParams.get('ticket') ?? ''
        if (conn.url.pathname !== '/v1/me/events' || !issued.has(ticket) || used.has(ticket)) return new Response(null, { status: 401 })
        used.add(ticket)
      },
    })
    const ld = createLiveDrop({ baseUrl: srv.url, tokens: { accessToken: 'access-1', refreshToken: 'r' } })
    const got: LiveDropEvent[] = []
    for await (const e of ld.subscribe({ me: true }, { auth: 'ticket' })) {
      got.push(e)
      if (got.length === 3) break
    }
    expect(got).toEqual(log as LiveDropEvent[])
    expect(srv.connections).toHaveLength(2)
    expect(srv.connections.map((c) => c.lastEventId)).toEqual([null, 'a2'])
    expect(srv.connections.every((c) => c.headers.get('authorization') === null)).toBe(true)
    expect(used.size).toBe(2)

    const esUrl = new URL(await ld.eventSourceUrl({ me: true }))
    expect(esUrl.pathname).toBe('/v1/me/events')
    expect(issued.has(esUrl.searchParams.get('ticket')!)).toBe(true)
    expect(await ld.eventSourceUrl({ dropId: DROP })).toBe(`${srv.url}/v1/drops/${DROP}/events`)
  })

  test('a ticket request turned away (503) is tried again; a refused one (403) ends the iteration', async () => {
    let tickets = 0
    const srv = await serve([{ id: '1', type: 'order.confirmed', data: {} }], (_c, backlog) => ({ events: backlog, end: 'open' }), {
      before: (_req, conn) => {
        if (conn.url.pathname === '/v1/realtime/tickets') {
          tickets++
          if (tickets === 1) return new Response(null, { status: 503, headers: { 'retry-after': '0' } })
          if (tickets === 3) return Response.json({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN', requestId: 'r' }, { status: 403 })
          return Response.json({ ticket: `t${tickets}`, expiresAt: new Date().toISOString() }, { status: 201 })
        }
      },
    })
    const ld = createLiveDrop({ baseUrl: srv.url, tokens: { accessToken: 'a', refreshToken: 'r' } })
    for await (const e of ld.subscribe({ me: true }, { auth: 'ticket', retryMs: 10 })) {
      expect(e.id).toBe('1')
      break
    }
    expect(tickets).toBe(2)
    expect(srv.connections[0].url.searchParams.get('ticket')).toBe('t2')
    const err = await ld.subscribe({ me: true }, { auth: 'ticket' }).next().then(() => null, (e: unknown) => e)
    expect((err as LiveDropError).code).toBe('FORBIDDEN')
  })

  test('personal stream with the Bearer header', async () => {
    const log: LoggedEvent[] = [{ id: '7', type: 'order.confirmed', data: { orderId: 'o7' } }]
    const srv = await serve(log, (_c, backlog) => ({ events: backlog, end: 'open' }), {
      before: (req) => (req.headers.get('authorization') === 'Bearer access-1' ? undefined : new Response(null, { status: 403 })),
    })
    const ld = createLiveDrop({ baseUrl: srv.url, tokens: { accessToken: 'access-1', refreshToken: 'r' } })
    for await (const e of ld.subscribe({ me: true })) {
      expect(e as LiveDropEvent).toEqual(log[0] as LiveDropEvent)
      break
    }
    expect(srv.connections).toHaveLength(1)
  })
})
