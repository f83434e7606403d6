import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext } from '../../test/helpers'
import { HTTP_METHODS, spec } from '../contract/spec'

/**
 * The shared security suite: every operation the contract marks as authenticated is called with no token,
 * a garbage token and a token signed with another key, and must answer 401 before looking at anything else.
 */
const ctx = createTestContext()
afterAll(() => ctx.close())

const secured: Array<{ method: string; path: string }> = []
for (const [path, item] of Object.entries<any>(spec.paths)) {
  for (const m of HTTP_METHODS) {
    const op = item[m]
    if (!op) continue
    const security = op.security ?? spec.security ?? []
    if (security.length === 0 || security.some((s: object) => Object.keys(s).length === 0)) continue
    secured.push({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b') })
  }
}

describe('every authenticated operation refuses anonymous callers', () => {
  test('there are authenticated operations to check', () => {
    expect(secured.length).toBeGreaterThan(3)
  })
  const foreign =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTkwYTFiMi1jM2Q0LTdlNWYtOGE5Yi0wYzFkMmUzZjRhNWIiLCJpc3MiOiJsaXZlZHJvcCIsImF1ZCI6ImxpdmVkcm9wLWFwaSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAwMDAwMDAwfQ.2cP8mJbY1pQz0wq6j0m0y5h6xQ0u2Yk2k2b0Q1Yx7bM'
  for (const { method, path } of secured) {
    test(`${method} ${path}`, async () => {
      for (const token of [undefined, 'garbage', foreign]) {
        const res = await ctx.api(method, path, { token, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
        expect(res.status).toBe(401)
        expect(res.body.code).toBe('UNAUTHORIZED')
        expect(res.headers.get('www-authenticate')).toContain('Bearer')
      }
    })
  }
})
