import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator } from '../../test/helpers'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

// Elysia's `uuid` and `date-time` checks are looser than the contract (RFC 4122 text, RFC 3339) and than
// PostgreSQL; the generated validators narrow them (scripts/gen-contract.ts, FORMAT_PATTERNS). Found by the
// fuzz test: an id with a `urn:uuid:` prefix reached PostgreSQL, which refused it (22P02) — a 500.
describe('formats as strict as PostgreSQL', () => {
  test('an id with a urn:uuid: prefix is a 400 INVALID_PARAMETER in every kind of path', async () => {
    for (const path of [`/v1/drops/urn:uuid:${ID}`, `/v1/products/urn:uuid:${ID}`, `/v1/users/urn:uuid:${ID}`, `/v1/creators/urn:uuid:${ID}/followers`]) {
      const res = await api('GET', path)
      expect([path, res.status, res.body.code]).toEqual([path, 400, 'INVALID_PARAMETER'])
    }
  })

  test('an id with a urn:uuid: prefix in a body is a 422 naming the field', async () => {
    const c = await registerCreator(api)
    const res = await api('POST', '/v1/drops', { token: c.accessToken, body: { productId: `urn:uuid:${ID}`, startsAt: '2099-01-05T10:00:00Z', initialStock: 1 } })
    expect([res.status, res.body.code, res.body.errors[0].field]).toEqual([422, 'VALIDATION_FAILED', '/productId'])
  })

  test('date-time is RFC 3339: other spellings JavaScript reads, 30 February and year 0000 are 422, nothing written', async () => {
    const c = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Dated', priceCents: 1, currency: 'EUR' } })
    for (const startsAt of ['Mon Jan 05 2099 10:00:00 GMT+0000', '01/05/2099', '2099-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2099-01-05 10:00:00Z', '2099-01-05T10:00Z']) {
      const res = await api('POST', '/v1/drops', { token: c.accessToken, body: { productId: product.body.id, startsAt, initialStock: 1 } })
      expect([startsAt, res.status, res.body.errors?.[0]?.field]).toEqual([startsAt, 422, '/startsAt'])
    }
    const [{ n }] = await deps.sql`select count(*)::int as n from drops where product_id = ${product.body.id}`
    expect(n).toBe(0)
    // RFC 3339 itself: fractions and offsets pass.
    const ok = await api('POST', '/v1/drops', { token: c.accessToken, body: { productId: product.body.id, startsAt: '2099-01-05T10:00:00.123+02:00', initialStock: 1 } })
    expect([ok.status, ok.body.startsAt]).toEqual([201, '2099-01-05T08:00:00.123Z'])
  })
})
