import { afterAll, describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { Kind, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { createTestContext, registerCreator, registerUser, unique } from '../../test/helpers'
import { httpBasics } from '../lib/http'
import { operations, STORABLE_TEXT } from './schemas.gen'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

// What PostgreSQL cannot store in a text column: U+0000 (SQLSTATE 22021), and unpaired UTF-16 surrogates,
// which have no UTF-8 form (the driver would write U+FFFD: a silent change of the value).
const UNSTORABLE = { nul: 'bad\u0000title', loneHigh: 'bad\uD800', loneLow: '\uDC00bad' }

describe('text PostgreSQL cannot store', () => {
  test('POST/PATCH /v1/products and POST /v1/creators: 422 VALIDATION_FAILED naming the field, nothing written', async () => {
    const c = await registerCreator(api)
    const ok = await api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Fine', priceCents: 100, currency: 'EUR' } })
    expect(ok.status).toBe(201)
    for (const [kind, bad] of Object.entries(UNSTORABLE)) {
      const cases: Array<[string, string, Record<string, unknown>, string]> = [
        ['POST', '/v1/products', { title: bad, priceCents: 100, currency: 'EUR' }, '/title'],
        ['POST', '/v1/products', { title: 'T', description: bad, priceCents: 100, currency: 'EUR' }, '/description'],
        ['PATCH', `/v1/products/${ok.body.id}`, { title: bad }, '/title'],
        ['PATCH', `/v1/products/${ok.body.id}`, { description: bad }, '/description'],
      ]
      for (const [method, path, body, field] of cases) {
        const res = await api(method, path, { token: c.accessToken, body })
        expect([kind, method, field, res.status, res.body.code]).toEqual([kind, method, field, 422, 'VALIDATION_FAILED'])
        expect(res.body.errors).toContainEqual({ field, message: 'must not contain U+0000 or an unpaired UTF-16 surrogate' })
      }
      const u = await registerUser(api)
      const creator = await api('POST', '/v1/creators', { token: u.accessToken, body: { handle: unique('n').toLowerCase(), displayName: bad } })
      expect([kind, creator.status, creator.body.errors?.[0]?.field]).toEqual([kind, 422, '/displayName'])
      expect((await api('GET', '/v1/me', { token: u.accessToken })).body.creator).toBeNull()
    }
    // A field with a pattern of its own keeps it behind the guard, and its message says which failed.
    const lower = await api('POST', '/v1/products', { token: c.accessToken, body: { title: 'T', priceCents: 100, currency: 'eur' } })
    expect(lower.body.errors).toEqual([{ field: '/currency', message: 'must match ^[A-Z]{3}$' }])
    const nulCurrency = await api('POST', '/v1/products', { token: c.accessToken, body: { title: 'T', priceCents: 100, currency: 'EU\u0000' } })
    expect(nulCurrency.body.errors).toEqual([{ field: '/currency', message: 'must not contain U+0000 or an unpaired UTF-16 surrogate' }])
    const [{ n }] = await deps.sql`select count(*)::int as n from products where creator_id = ${c.creator.id}`
    expect(n).toBe(1)
    expect((await api('GET', `/v1/products/${ok.body.id}`)).body).toMatchObject({ title: 'Fine', description: '' })
  })

  test('text outside the Basic Multilingual Plane (surrogate pairs) is stored unchanged', async () => {
    const c = await registerCreator(api)
    const title = 'Drop 🚀 𝄞 ✓'
    const res = await api('POST', '/v1/products', { token: c.accessToken, body: { title, description: '😀'.repeat(10), priceCents: 100, currency: 'EUR' } })
    expect(res.status).toBe(201)
    expect((await api('GET', `/v1/products/${res.body.id}`)).body).toMatchObject({ title, description: '😀'.repeat(10) })
  })

  test('a query parameter with U+0000 is a 400 INVALID_PARAMETER naming it', async () => {
    const res = await api('GET', `/v1/products?cursor=${encodeURIComponent('a\u0000b')}`)
    expect([res.status, res.body.code, res.body.errors[0].field]).toEqual([400, 'INVALID_PARAMETER', 'cursor'])
  })

  test('every string a request can carry (body, path, query, header) is guarded by the one rule', () => {
    const strings: Array<[string, TSchema]> = []
    const walk = (s: TSchema, where: string) => {
      // Elysia's numeric query parameters accept their digits as a string (format "integer"): not text.
      if (s[Kind] === 'String' && s.format !== 'integer' && s.format !== 'numeric') strings.push([where, s])
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v as TSchema, `${where}/${k}`)
      for (const v of s.anyOf ?? []) walk(v, where)
      if (s.items) walk(s.items, `${where}/items`)
    }
    for (const [id, parts] of Object.entries(operations)) for (const [part, schema] of Object.entries(parts)) walk(schema as TSchema, `${id}.${part}`)
    expect(strings.length).toBeGreaterThan(20)
    for (const [where, s] of strings) {
      expect([where, s.pattern?.includes(STORABLE_TEXT.slice(1))]).toEqual([where, true])
      for (const bad of Object.values(UNSTORABLE)) expect([where, Value.Check(s, bad)]).toEqual([where, false])
    }
  })
})

describe('the error mapper as a backstop', () => {
  test('a PostgreSQL data exception (22021: U+0000 in text) is a 422, never a 500', async () => {
    const app = new Elysia()
      .use(httpBasics(deps.log))
      .get('/nul', async () => (await deps.sql`select ${'a\u0000b'}::text as t`)[0])
    const res = await app.handle(new Request('http://localhost/nul'))
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = await res.json()
    expect(body.code).toBe('VALIDATION_FAILED')
    expect(body.detail).not.toContain('0x00') // the driver's message stays in the log
  })
})
