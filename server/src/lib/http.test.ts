import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator } from '../../test/helpers'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

describe('HTTP basics', () => {
  test('X-Request-Id is echoed when sane, generated otherwise, and quoted in problems', async () => {
    const echoed = await api('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } })
    expect(echoed.headers.get('x-request-id')).toBe('abc-123')
    const generated = await api('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces\u0001' } })
    expect(generated.headers.get('x-request-id')).not.toContain(' ')
    const problem = await api('GET', '/v1/users/nope', { headers: { 'x-request-id': 'trace-me' } })
    expect(problem.body.requestId).toBe('trace-me')
  })

  test('malformed JSON → 400, wrong media type → 415, empty body → 400, over 64 KiB → 413; nothing written', async () => {
    const c = await registerCreator(api)
    const post = (rawBody: string, type = 'application/json') =>
      api('POST', '/v1/products', { token: c.accessToken, rawBody, headers: { 'content-type': type } })
    const malformed = await post('{"title": "x",')
    expect(malformed.status).toBe(400)
    expect(malformed.body.code).toBe('MALFORMED_JSON')
    const text = await post('title=x', 'text/plain')
    expect(text.status).toBe(415)
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    const empty = await post('')
    expect(empty.status).toBe(400)
    const big = await post(JSON.stringify({ title: 'x', description: 'y'.repeat(70 * 1024), priceCents: 1, currency: 'EUR' }))
    expect(big.status).toBe(413)
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE')
    const arr = await post('[1,2,3]')
    expect(arr.status).toBe(422)
    const [{ count }] = await deps.sql`select count(*)::int from products where creator_id = ${c.creator.id}`
    expect(count).toBe(0)
  })

  test('unknown route → 404 problem', async () => {
    const res = await ctx.app.handle(new Request('http://localhost/v1/nothing-here'))
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toStartWith('application/problem+json')
    expect((await res.json()).code).toBe('ROUTE_NOT_FOUND')
  })

  test('healthz, readyz, the served contract and the docs page', async () => {
    expect((await api('GET', '/healthz')).body).toEqual({ status: 'ok' })
    const ready = await api('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body.checks.postgres).toBe('up')
    const spec = await api('GET', '/openapi.yaml')
    expect(spec.text).toStartWith('openapi: 3.1')
    const docs = await api('GET', '/docs')
    expect(docs.text).toContain('/docs/scalar.js')
    expect(docs.text).not.toMatch(/https?:\/\/(?!localhost)/)
    const js = await ctx.app.handle(new Request('http://localhost/docs/scalar.js'))
    expect(js.status).toBe(200)
    expect((await js.text()).length).toBeGreaterThan(100_000)
  })

  test('draining → /readyz 503', async () => {
    deps.lifecycle.draining = true
    try {
      const res = await api('GET', '/readyz')
      expect(res.status).toBe(503)
      expect(res.body.status).toBe('draining')
    } finally {
      deps.lifecycle.draining = false
    }
  })
})
