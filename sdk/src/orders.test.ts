import { afterEach, describe, expect, test } from 'bun:test'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLiveDrop } from './index'
import { backoffDelay, parseRetryAfter } from './retry'

const DROP = '01900000-0000-7000-8000-0000000000d1'
const ORDER = { id: '01900000-0000-7000-8000-0000000000a1', dropId: DROP, userId: '01900000-0000-7000-8000-0000000000b1', quantity: 1, unitPriceCents: 100, totalCents: 100, currency: 'EUR', status: 'confirmed', createdAt: '2026-01-01T00:00:00.000Z', cancelledAt: null }
const problem = (status: number, code: string) => ({ type: 'about:blank', title: code, status, code, requestId: 'req' })

interface Seen {
  key: string | undefined
  body: unknown
  at: number
}
type Answer = (res: ServerResponse, req: IncomingMessage) => void
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => (res) => {
  res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json', ...headers })
  res.end(JSON.stringify(body))
}
/** The server does its work, then the connection dies before the answer: a lost response. */
const lost: Answer = (_res, req) => req.socket.destroy()

let stops: Array<() => void> = []
afterEach(() => {
  for (const s of stops) s()
  stops = []
})

/** A real HTTP server that records every order attempt and answers them from a script, in order. */
async function orderServer(answers: Answer[]) {
  const seen: Seen[] = []
  const server = createServer(async (req, res) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    seen.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(raw || 'null'), at: Date.now() })
    ;(answers[seen.length - 1] ?? json(500, problem(500, 'INTERNAL')))(res, req)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  stops.push(() => {
    server.closeAllConnections()
    server.close()
  })
  const ld = createLiveDrop({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens: { accessToken: 'a', refreshToken: 'r' } })
  return { ld, seen }
}

const fast = { baseDelayMs: 5, maxDelayMs: 3000 }

describe('createOrder retries', () => {
  test('a lost response, IN_USE, 429 and 503: retried with the SAME generated key until the order comes back', async () => {
    const { ld, seen } = await orderServer([
      lost,
      json(409, problem(409, 'IDEMPOTENCY_KEY_IN_USE'), { 'retry-after': '0' }),
      json(429, problem(429, 'RATE_LIMITED'), { 'retry-after': '1' }),
      json(503, problem(503, 'SERVICE_UNAVAILABLE')),
      json(201, ORDER, { 'idempotent-replayed': 'true' }),
    ])
    const retries: string[] = []
    const r = await ld.createOrder({ dropId: DROP, quantity: 1 }, { ...fast, onRetry: (i) => retries.push(i.reason) })
    expect(r.response.status).toBe(201)
    expect(r.data).toEqual(ORDER as typeof r.data)
    expect(seen).toHaveLength(5)
    expect(new Set(seen.map((s) => s.key)).size).toBe(1)
    expect(seen[0].key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(r.idempotencyKey).toBe(seen[0].key!)
    expect(seen.every((s) => JSON.stringify(s.body) === JSON.stringify({ dropId: DROP, quantity: 1 }))).toBe(true)
    expect(retries.slice(1)).toEqual(['IDEMPOTENCY_KEY_IN_USE', 'HTTP 429', 'HTTP 503'])
    expect(seen[3].at - seen[2].at).toBeGreaterThanOrEqual(1000) // Retry-After: 1 honoured
  })

  test('each call gets its own key; a caller key is used as given', async () => {
    const { ld, seen } = await orderServer([json(201, ORDER), json(201, ORDER), json(201, ORDER)])
    await ld.createOrder({ dropId: DROP, quantity: 1 })
    await ld.createOrder({ dropId: DROP, quantity: 1 })
    await ld.createOrder({ dropId: DROP, quantity: 1 }, { idempotencyKey: 'cart-42-checkout' })
    expect(seen[0].key).not.toBe(seen[1].key)
    expect(seen[2].key).toBe('cart-42-checkout')
  })

  for (const [status, code] of [[409, 'SOLD_OUT'], [409, 'DROP_NOT_LIVE'], [409, 'PURCHASE_LIMIT_EXCEEDED'], [422, 'IDEMPOTENCY_KEY_REUSED'], [404, 'NOT_FOUND'], [500, 'INTERNAL']] as const) {
    test(`a ${status} ${code} is final: returned at once, never retried`, async () => {
      const { ld, seen } = await orderServer([json(status, problem(status, code), { 'retry-after': '1' }), json(201, ORDER)])
      const r = await ld.createOrder({ dropId: DROP, quantity: 1 }, fast)
      expect(seen).toHaveLength(1)
      expect(r.response.status).toBe(status)
      expect(r.error!.code).toBe(code)
    })
  }

  test('retries run out: the last answer is returned; a network error on the last try is thrown', async () => {
    const busy = await orderServer([0, 1, 2].map(() => json(503, problem(503, 'SERVICE_UNAVAILABLE'))))
    const r = await busy.ld.createOrder({ dropId: DROP, quantity: 1 }, { ...fast, retries: 2 })
    expect(busy.seen).toHaveLength(3)
    expect(r.error!.code).toBe('SERVICE_UNAVAILABLE')

    const down = await orderServer([lost, lost])
    const err = await down.ld.createOrder({ dropId: DROP, quantity: 1 }, { ...fast, retries: 1 }).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(down.seen).toHaveLength(2)
    expect(new Set(down.seen.map((s) => s.key)).size).toBe(1)
  })

  test('an abort during the backoff stops the retries', async () => {
    const { ld, seen } = await orderServer([json(503, problem(503, 'SERVICE_UNAVAILABLE'), { 'retry-after': '5' }), json(201, ORDER)])
    const ac = new AbortController()
    setTimeout(() => ac.abort(new Error('user left')), 100)
    const err = await ld.createOrder({ dropId: DROP, quantity: 1 }, { signal: ac.signal, maxDelayMs: 10_000 }).then(() => null, (e: unknown) => e)
    expect((err as Error).message).toBe('user left')
    await Bun.sleep(50)
    expect(seen).toHaveLength(1)
  })
})

describe('backoff', () => {
  test('exponential with full jitter, capped; Retry-After is a floor', () => {
    const p = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 }
    expect(backoffDelay(0, p, undefined, () => 0.999)).toBeCloseTo(99.9)
    expect(backoffDelay(3, p, undefined, () => 0.5)).toBe(400)
    expect(backoffDelay(8, p, undefined, () => 1)).toBe(1000)
    expect(backoffDelay(0, p, undefined, () => 0)).toBe(0)
    expect(backoffDelay(0, p, 700, () => 0)).toBe(700)
    expect(backoffDelay(0, p, 700, () => 1)).toBe(800)
    expect(backoffDelay(0, p, 60_000, () => 0)).toBe(1000)
  })

  test('Retry-After as seconds or HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
