import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, listen, registerCreator, registerUser, testConfig } from '../../test/helpers'
import { readSse } from '../../test/sse'
import { openRawSse, type RawSse } from '../../test/sse-socket'
import { validateResponse } from '../contract/validate'

/**
 * What keeps a stream from outliving its credentials or hogging an instance: `stream.closed` when the token
 * expires or the session ends, and caps on open streams per client address and per user (real sockets).
 */
const ctx = createTestContext()
const { api, deps } = ctx
// Small caps, served on a real port behind a "proxy" at 127.0.0.1 whose X-Forwarded-For is believed.
const CAPS = { perAddress: 3, perUser: 2 }
const capped = createTestContext({ streams: CAPS, rateLimit: { ...testConfig().rateLimit, trustedProxies: ['127.0.0.1'] } })
const server = listen(capped, 3541)
beforeAll(() => deps.live.start())
afterAll(async () => {
  await server.stop()
  await Promise.all([ctx.close(), capped.close()])
})

/** A personal stream opened in-process, every event checked against the contract. */
async function meStream(headers: Record<string, string>, query = '') {
  const res = await ctx.app.handle(new Request(`http://localhost/v1/me/events${query}`, { headers }))
  expect(validateResponse('GET', '/v1/me/events', res.status, res.headers.get('content-type'), res.status === 200 ? '' : await res.clone().json())).toEqual([])
  return readSse(res, '/v1/me/events')
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('the Authorization scheme is case-insensitive (RFC 9110)', () => {
  test('route guard, personal stream and the rate limiter\'s user lookup all take bearer / BEARER / BeArEr', async () => {
    const u = await registerUser(api)
    for (const scheme of ['bearer', 'BEARER', 'BeArEr', 'Bearer ']) {
      const me = await api('GET', '/v1/me', { headers: { authorization: `${scheme} ${u.accessToken}` } })
      expect(me.status).toBe(200)
      expect(me.body.id).toBe(u.user.id)
      const s = await meStream({ authorization: `${scheme} ${u.accessToken}` })
      expect(s.status).toBe(200)
      expect((await s.next()).event).toBe('state')
      await s.close()
    }
    expect((await api('POST', '/v1/realtime/tickets', { headers: { authorization: `bearer ${u.accessToken}` } })).status).toBe(201)
    // Not a scheme at all, or a scheme glued to the token: still 401.
    for (const bad of [`Bearer${u.accessToken}`, `Basic ${u.accessToken}`, `bearer`, `${u.accessToken}`]) {
      expect((await api('GET', '/v1/me', { headers: { authorization: bad } })).status).toBe(401)
    }
  })

  test('the limiter keys a lower-case `bearer` caller by user, not by address', async () => {
    const limited = createTestContext({ rateLimit: { ...testConfig().rateLimit, reads: { points: 3, windowSec: 60 } } })
    try {
      const a = await registerUser(limited.api)
      const b = await registerUser(limited.api)
      for (let i = 0; i < 3; i++) expect((await limited.api('GET', '/v1/me', { headers: { authorization: `bearer ${a.accessToken}` } })).status).toBe(200)
      expect((await limited.api('GET', '/v1/me', { headers: { authorization: `bearer ${a.accessToken}` } })).status).toBe(429)
      // Another user's budget is untouched: A's reads were counted against A, not against a shared address key.
      const other = await limited.api('GET', '/v1/me', { headers: { authorization: `BEARER ${b.accessToken}` } })
      expect(other.status).toBe(200)
      expect(other.headers.get('ratelimit-remaining')).toBe('2')
    } finally {
      await limited.close()
    }
  })
})

describe('a personal stream ends with its credentials', () => {
  test('the access token expires → stream.closed {reason: token_expired}, without an id, and the stream ends', async () => {
    const short = createTestContext({ accessTokenTtlSec: 2 })
    try {
      const u = await registerUser(short.api)
      const res = await short.app.handle(new Request('http://localhost/v1/me/events', { headers: bearer(u.accessToken) }))
      const s = await readSse(res, '/v1/me/events')
      expect((await s.next()).event).toBe('state')
      const closed = await s.next(4000)
      expect(closed).toMatchObject({ event: 'stream.closed', id: null, data: { type: 'stream.closed', data: { reason: 'token_expired' } } })
      await expect(s.next(500)).rejects.toThrow('stream ended')
      expect(short.deps.live.subscriptions()).toBe(0)
    } finally {
      await short.close()
    }
  })

  test('a ticket carries the expiry of the token that asked for it', async () => {
    const short = createTestContext({ accessTokenTtlSec: 2 })
    try {
      const u = await registerUser(short.api)
      const t = await short.api('POST', '/v1/realtime/tickets', { token: u.accessToken })
      const res = await short.app.handle(new Request(`http://localhost/v1/me/events?ticket=${t.body.ticket}`))
      const s = await readSse(res, '/v1/me/events')
      expect((await s.next()).event).toBe('state')
      expect((await s.next(4000)).data.data.reason).toBe('token_expired')
      // A ticket redeemed after its token expired opens nothing.
      const late = await short.api('POST', '/v1/realtime/tickets', { token: (await short.api('POST', '/v1/auth/login', { body: { email: u.email, password: u.password } })).body.accessToken })
      await Bun.sleep(2100)
      expect((await short.app.handle(new Request(`http://localhost/v1/me/events?ticket=${late.body.ticket}`))).status).toBe(401)
    } finally {
      await short.close()
    }
  })

  test('log-out → the session\'s streams (header and ticket) get stream.closed {reason: logged_out}; another session\'s stay', async () => {
    const u = await registerUser(api)
    const other = await api('POST', '/v1/auth/login', { body: { email: u.email, password: u.password } })
    const ticket = await api('POST', '/v1/realtime/tickets', { token: u.accessToken })
    const viaHeader = await meStream(bearer(u.accessToken))
    const viaTicket = await meStream({}, `?ticket=${ticket.body.ticket}`)
    const otherSession = await meStream(bearer(other.body.accessToken))
    for (const s of [viaHeader, viaTicket, otherSession]) expect((await s.next()).event).toBe('state')

    expect((await api('POST', '/v1/auth/logout', { body: { refreshToken: u.refreshToken } })).status).toBe(204)
    for (const s of [viaHeader, viaTicket]) {
      expect(await s.next()).toMatchObject({ event: 'stream.closed', id: null, data: { data: { reason: 'logged_out' } } })
      await expect(s.next(500)).rejects.toThrow('stream ended')
    }
    expect(await otherSession.drain(300)).toEqual([])

    // The logged-out session's access token is still a valid JWT for a while, but opens no stream.
    const again = await ctx.app.handle(new Request('http://localhost/v1/me/events', { headers: bearer(u.accessToken) }))
    expect(again.status).toBe(401)
    expect((await again.json()).code).toBe('UNAUTHORIZED')

    // The other session still receives its events.
    const { drop } = await liveDropFor(u.user.id)
    const buyer = await api('POST', '/v1/orders', { token: other.body.accessToken, body: { dropId: drop, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(buyer.status).toBe(201)
    expect((await otherSession.next()).event).toBe('order.confirmed')
    await otherSession.close()
  })

  test('a refresh token reused outside the grace window → stream.closed {reason: session_revoked}', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    const s = await meStream(bearer(r1.body.accessToken))
    expect((await s.next()).event).toBe('state')
    await deps.sql`update refresh_tokens set used_at = used_at - interval '11 seconds' where user_id = ${u.user.id} and used_at is not null`
    expect((await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })).status).toBe(401)
    expect((await s.next()).data.data.reason).toBe('session_revoked')
    await expect(s.next(500)).rejects.toThrow('stream ended')
  })
})

/** A live drop whose owner is not `userId`, so `userId` may order from it. */
async function liveDropFor(_userId: string) {
  const owner = await registerCreator(api)
  const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Cap test', priceCents: 100, currency: 'EUR' } })
  const drop = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 5 } })
  await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
  await deps.scheduler.tick()
  return { drop: drop.body.id as string }
}

describe('caps on open streams (real sockets; client address through TRUSTED_PROXIES)', () => {
  const open = (path: string, headers: Record<string, string>) => openRawSse(server.port, path, headers)
  const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra })
  const settle = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await Bun.sleep(10)
  }

  test('per client address: the cap is held, the refusal is a 429 problem with Retry-After, a closed stream frees its slot', async () => {
    const { drop } = await liveDropFor('')
    const path = `/v1/drops/${drop}/events`
    const held: RawSse[] = []
    for (let i = 0; i < CAPS.perAddress; i++) held.push(await open(path, from('203.0.113.7')))
    expect(held.map((s) => s.status)).toEqual([200, 200, 200])
    await Promise.all(held.map((s) => s.waitFor('state')))
    // Counted across both kinds of stream.
    const u = await registerUser(api)
    const personal = await open('/v1/me/events', from('203.0.113.7', bearer(u.accessToken)))
    expect(personal.status).toBe(429)
    personal.close()

    const refused = await server.api('GET', path, { headers: from('203.0.113.7') })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toStartWith('application/problem+json')
    expect(refused.body.code).toBe('TOO_MANY_STREAMS')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another address is not affected; a forged X-Forwarded-For entry left of the proxy's does not help.
    const elsewhere = await open(path, from('203.0.113.8'))
    expect(elsewhere.status).toBe(200)
    const forged = await open(path, from('198.51.100.1, 203.0.113.7'))
    expect(forged.status).toBe(429)
    forged.close()

    held.pop()!.close()
    let again: RawSse | null = null
    for (let i = 0; i < 100; i++) {
      again = await open(path, from('203.0.113.7'))
      if (again.status === 200) break
      again.close()
      await Bun.sleep(10)
    }
    expect(again!.status).toBe(200)
    for (const s of [...held, elsewhere, again!]) s.close()
    await settle(() => capped.deps.live.capKeys() === 0)
    expect(capped.deps.live.capKeys()).toBe(0)
  })

  test('per user: the cap counts a user\'s personal streams from any address', async () => {
    const u = await registerUser(api)
    const v = await registerUser(api)
    const a = await open('/v1/me/events', from('203.0.113.20', bearer(u.accessToken)))
    const b = await open('/v1/me/events', from('203.0.113.21', bearer(u.accessToken)))
    expect([a.status, b.status]).toEqual([200, 200])
    const refused = await server.api('GET', '/v1/me/events', { headers: from('203.0.113.22', bearer(u.accessToken)) })
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe('TOO_MANY_STREAMS')
    expect(refused.body.detail).toContain('per user')
    const refusals = await capped.deps.metrics.registry.getSingleMetricAsString('livedrop_rate_limit_refusals_total')
    expect(refusals).toContain('livedrop_rate_limit_refusals_total{class="streamsPerUser"} 1')
    expect(refusals).toMatch(/class="streamsPerAddress"\} [1-9]/)
    const otherUser = await open('/v1/me/events', from('203.0.113.22', bearer(v.accessToken)))
    expect(otherUser.status).toBe(200)
    for (const s of [a, b, otherUser]) s.close()
    await settle(() => capped.deps.live.capKeys() === 0)
    expect(capped.deps.live.capKeys()).toBe(0)
  })

  test('a burst from one address: exactly the cap is accepted', async () => {
    const burst = createTestContext({ streams: { perAddress: 50, perUser: 0 }, rateLimit: { ...testConfig().rateLimit, enabled: false } })
    const srv = listen(burst, 3542)
    try {
      const { drop } = await liveDropFor('')
      const streams = await Promise.all(Array.from({ length: 80 }, () => openRawSse(srv.port, `/v1/drops/${drop}/events`)))
      expect(streams.filter((s) => s.status === 200).length).toBe(50)
      expect(streams.filter((s) => s.status === 429).length).toBe(30)
      expect(burst.deps.live.subscriptions()).toBe(50)
      streams.forEach((s) => s.close())
      await settle(() => burst.deps.live.capKeys() === 0)
      expect(burst.deps.live.subscriptions()).toBe(0)
    } finally {
      await srv.stop()
      await burst.close()
    }
  })
})
