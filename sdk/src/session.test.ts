import { afterAll, describe, expect, test } from 'bun:test'
import { createSdkContext, withRejectedAccessToken } from '../test/helpers'
import { isExpiring, type TokenPair } from './index'

// Access tokens that live 3 s, so that expiry happens within the test. (With 1 s, a freshly refreshed token
// is already "expiring" — the SDK refreshes a quarter of the life early — 750 ms later, and a slow CI run of a
// 12-call burst then legitimately refreshed twice.)
const TTL_SEC = 3
const t = createSdkContext({ accessTokenTtlSec: TTL_SEC })
const untilExpired = () => Bun.sleep(TTL_SEC * 1000 + 100)
afterAll(() => t.close())

const refreshCalls = (from: number) => t.requests.slice(from).filter((r) => new URL(r.url).pathname === '/v1/auth/refresh').length
describe('token refresh', () => {
  test('an expired access token is refreshed before the call, once, and the new pair is reported', async () => {
    const u = await t.user()
    const seen: Array<TokenPair | null> = []
    const ld = t.sdk({ tokens: u.ld.tokens, onTokens: (p) => seen.push(p) })
    await untilExpired()
    expect(isExpiring(ld.tokens!.accessToken)).toBe(true)
    const from = t.requests.length
    const me = await ld.GET('/v1/me')
    expect(me.response.status).toBe(200)
    expect(me.data!.id).toBe(u.userId)
    expect(refreshCalls(from)).toBe(1)
    // the call itself went out once, after the refresh, with the new token
    const calls = t.requests.slice(from).map((r) => new URL(r.url).pathname)
    expect(calls).toEqual(['/v1/auth/refresh', '/v1/me'])
    expect(seen).toHaveLength(1)
    expect(seen[0]!.refreshToken).not.toBe(u.ld.tokens!.refreshToken)
  })

  test('a 401 on a token that looked valid triggers one refresh and one replay, body included', async () => {
    const c = await t.creator()
    const ld = t.sdk({ tokens: withRejectedAccessToken(c.ld.tokens!) })
    const from = t.requests.length
    const r = await ld.POST('/v1/products', { body: { title: 'After refresh', priceCents: 10, currency: 'EUR' } })
    expect(r.response.status).toBe(201)
    expect(r.data!.title).toBe('After refresh')
    expect(t.requests.slice(from).map((q) => `${q.method} ${new URL(q.url).pathname}`)).toEqual([
      'POST /v1/products', 'POST /v1/auth/refresh', 'POST /v1/products',
    ])
  })

  test('concurrent calls share a single refresh (a second one would reuse a rotated token and revoke the family)', async () => {
    const u = await t.user()
    await untilExpired()
    const expired = t.sdk({ tokens: u.ld.tokens })
    let from = t.requests.length
    const results = await Promise.all(Array.from({ length: 12 }, () => expired.GET('/v1/me')))
    expect(results.map((r) => r.response.status)).toEqual(Array(12).fill(200))
    expect(refreshCalls(from)).toBe(1)

    // Same through the 401 path: the server refuses a token the client believed in.
    const fresh = await t.user()
    const rejected = t.sdk({ tokens: withRejectedAccessToken(fresh.ld.tokens!) })
    from = t.requests.length
    const again = await Promise.all(Array.from({ length: 12 }, () => rejected.GET('/v1/me')))
    expect(again.map((r) => r.response.status)).toEqual(Array(12).fill(200))
    expect(refreshCalls(from)).toBe(1)
    // the family is intact: the pair still refreshes
    expect(await rejected.refresh()).toEqual({ ok: true })
  })

  test('when the refresh is refused the call answers the typed INVALID_REFRESH_TOKEN problem and the pair is dropped', async () => {
    const u = await t.user()
    const dead = u.ld.tokens!
    await u.ld.logout() // revokes the family on the server
    const seen: Array<TokenPair | null> = []
    const ld = t.sdk({ tokens: withRejectedAccessToken(dead), onTokens: (p) => seen.push(p) })
    const results = await Promise.all([ld.GET('/v1/me'), ld.GET('/v1/me'), ld.GET('/v1/me')])
    for (const r of results) {
      expect(r.data).toBeUndefined()
      expect(r.response.status).toBe(401)
      expect(r.error!.code).toBe('INVALID_REFRESH_TOKEN')
    }
    expect(ld.tokens).toBeNull()
    expect(seen).toEqual([null])
    // logged out from now on: calls go out without a token and the server says so
    const after = await ld.GET('/v1/me')
    expect(after.error!.code).toBe('UNAUTHORIZED')
  })

  test('public calls never refresh and the token never goes to another origin', async () => {
    const u = await t.user()
    await untilExpired()
    const sent: Request[] = []
    const ld = t.sdk({ tokens: u.ld.tokens, fetch: async (req) => { sent.push(req.clone()); return t.fetch(req) } })
    const other = await ld.fetch(new Request('http://elsewhere.test/healthz'))
    expect(other.status).toBe(200) // in-process app answers whatever the host
    expect(sent[0].headers.get('authorization')).toBeNull()
    const login = await ld.login({ email: u.email, password: u.password })
    expect(login.response.status).toBe(200)
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(['/healthz', '/v1/auth/login'])
  })
})

test('isExpiring reads exp with a margin of a quarter of the life, at most 5 s', () => {
  const tok = (iat: number, exp: number) => `x.${btoa(JSON.stringify({ iat, exp }))}.y`
  const now = 1_000_000_000_000
  expect(isExpiring(tok(now / 1000, now / 1000 + 900), now)).toBe(false)
  expect(isExpiring(tok(now / 1000 - 900, now / 1000 + 4), now)).toBe(true)
  expect(isExpiring(tok(now / 1000, now / 1000 + 1), now)).toBe(false)
  expect(isExpiring(tok(now / 1000 - 1, now / 1000), now)).toBe(true)
  expect(isExpiring('not-a-jwt', now)).toBe(false)
})
