import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose'
import { createHmac } from 'node:crypto'
import { createTestContext, registerUser, TEST_JWT_SECRET, testConfig } from '../../test/helpers'
import { operations } from '../contract/operations'
import { validateResponse } from '../contract/validate'


/**
 * The shared security suite, derived from the contract: every operation the contract marks as authenticated
 * refuses no token, a garbage token, a token signed with another key, and every token of a JWT attack set, with
 * 401 before looking at anything else. The authorization matrix is its sibling, authz-matrix.test.ts.
 */
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api } = ctx
afterAll(() => ctx.close())

const PLACEHOLDER = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

const secured = operations.filter((o) => o.secured).map((o) => ({ method: o.method, path: o.template.replace(/\{[^}]+\}/g, PLACEHOLDER) }))

describe('every authenticated operation refuses anonymous callers', () => {
  test('there are authenticated operations to check', () => {
    expect(secured.length).toBeGreaterThan(3)
  })
  const foreign =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTkwYTFiMi1jM2Q0LTdlNWYtOGE5Yi0wYzFkMmUzZjRhNWIiLCJpc3MiOiJsaXZlZHJvcCIsImF1ZCI6ImxpdmVkcm9wLWFwaSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAwMDAwMDAwfQ.2cP8mJbY1pQz0wq6j0m0y5h6xQ0u2Yk2k2b0Q1Yx7bM'
  for (const { method, path } of secured) {
    test(`${method} ${path}`, async () => {
      for (const token of [undefined, 'garbage', foreign]) {
        const res = await api(method, path, { token, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
        expect(res.status).toBe(401)
        expect(res.body.code).toBe('UNAUTHORIZED')
        expect(res.headers.get('www-authenticate')).toContain('Bearer')
      }
    })
  }
})

// ---- JWT attack set ----

const key = new TextEncoder().encode(TEST_JWT_SECRET)
const b64 = (o: object | string) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

interface Claims {
  sub?: string
  iss?: string
  aud?: string
  iat?: number
  exp?: number
  nbf?: number
  sid?: string
}

/** HS256 under the real secret, with exactly the claims given (none added): a forgery only where a claim is. */
const signed = (claims: Claims, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) => {
  const input = `${b64(header)}.${b64(claims)}`
  const alg = header.alg === 'HS512' ? 'sha512' : header.alg === 'HS384' ? 'sha384' : 'sha256'
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`
}

/** Each forged or broken token, named; every one must be refused with 401 on every authenticated route. */
async function attackSet(sub: string): Promise<Array<[string, string]>> {
  const good = (over: Claims = {}): Claims => ({ sub, iss: 'livedrop', aud: 'livedrop-api', iat: now() - 5, exp: now() + 300, ...over })
  const { privateKey: rsa } = await generateKeyPair('RS256')
  const { privateKey: ec } = await generateKeyPair('ES256')
  const valid = signed(good())
  const [h, p, s] = valid.split('.')
  const flip = (sig: string) => (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)
  return [
    ['alg none (unsecured JWT)', new UnsecuredJWT(good() as never).encode()],
    ['alg None, empty signature', `${b64({ alg: 'None', typ: 'JWT' })}.${b64(good())}.`],
    ['alg NONE, the real signature kept', `${b64({ alg: 'NONE' })}.${p}.${s}`],
    ['alg HS512 under the real secret', signed(good(), { alg: 'HS512', typ: 'JWT' })],
    ['alg HS384 under the real secret', signed(good(), { alg: 'HS384', typ: 'JWT' })],
    ['alg RS256, signed with an attacker RSA key', await new SignJWT({ ...good() }).setProtectedHeader({ alg: 'RS256' }).sign(rsa)],
    ['alg RS256 header, HMAC under the real secret (key confusion)', (() => {
      const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(good())}`
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
    })()],
    ['alg ES256, signed with an attacker EC key', await new SignJWT({ ...good() }).setProtectedHeader({ alg: 'ES256' }).sign(ec)],
    ['unknown critical header', signed(good(), { alg: 'HS256', crit: ['x-livedrop'], 'x-livedrop': true })],
    ['expired 1 s ago', signed(good({ exp: now() - 1 }))],
    ['expired far beyond any leeway (1 h)', signed(good({ iat: now() - 7200, exp: now() - 3600 }))],
    ['nbf in the future', signed(good({ nbf: now() + 3600 }))],
    ['wrong issuer', signed(good({ iss: 'evil' }))],
    ['wrong audience', signed(good({ aud: 'someone-else' }))],
    ['no issuer', signed((({ iss: _, ...c }) => c)(good()))],
    ['no audience', signed((({ aud: _, ...c }) => c)(good()))],
    ['no exp', signed((({ exp: _, ...c }) => c)(good()))],
    ['no iat', signed((({ iat: _, ...c }) => c)(good()))],
    ['no sub', signed((({ sub: _, ...c }) => c)(good()))],
    ['sub not a uuid', signed(good({ sub: "1' or '1'='1" }))],
    ['sid not a uuid', signed(good({ sid: '../../etc' }))],
    ['bad signature (one character changed)', `${h}.${p}.${flip(s)}`],
    ['payload changed under the old signature', `${h}.${b64(good({ sub: PLACEHOLDER }))}.${s}`],
    ['signature stripped', `${h}.${p}.`],
    ['signed with another key', await new SignJWT({ ...good() }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-another'))],
    ['not a JWT', 'not.a.jwt'],
  ]
}

describe('JWT attack set: every forged, expired or malformed token is a 401 on every authenticated route', () => {
  let attacks: Array<[string, string]> = []
  let control = ''
  beforeAll(async () => {
    const u = await registerUser(api)
    attacks = await attackSet(u.user.id)
    control = signed({ sub: u.user.id, iss: 'livedrop', aud: 'livedrop-api', iat: now() - 5, exp: now() + 300 })
  })

  test('the control token, built the same way but honest, is accepted (the forgeries differ only where named)', async () => {
    expect((await api('GET', '/v1/me', { token: control })).status).toBe(200)
    const stream = await ctx.app.handle(new Request('http://localhost/v1/me/events', { headers: { authorization: `Bearer ${control}` } }))
    expect(stream.status).toBe(200)
    await stream.body!.cancel()
  })

  for (const { method, path } of secured) {
    test(`${method} ${path}`, async () => {
      expect(attacks.length).toBeGreaterThan(20)
      for (const [name, token] of attacks) {
        const res = await api(method, path, { token, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
        if (res.status !== 401) throw new Error(`${name}: ${method} ${path} answered ${res.status}`)
        expect(res.body.code).toBe('UNAUTHORIZED')
      }
    })
  }

  test('GET /v1/me/events (the personal stream, Bearer or ticket)', async () => {
    for (const [name, token] of attacks) {
      const res = await ctx.app.handle(new Request('http://localhost/v1/me/events', { headers: { authorization: `Bearer ${token}` } }))
      if (res.status !== 401) throw new Error(`${name}: the personal stream answered ${res.status}`)
      expect(validateResponse('GET', '/v1/me/events', 401, res.headers.get('content-type'), await res.json())).toEqual([])
    }
  })
})

