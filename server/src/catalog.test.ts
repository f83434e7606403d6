import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, unique } from '../test/helpers'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

describe('users', () => {
  test('public profile never has the email; /v1/me does', async () => {
    const u = await registerUser(api)
    const pub = await api('GET', `/v1/users/${u.user.id}`)
    expect(pub.status).toBe(200)
    expect(pub.body).toEqual({ id: u.user.id, username: u.username, createdAt: u.user.createdAt })
    expect(pub.text).not.toContain(u.email)
    const me = await api('GET', '/v1/me', { token: u.accessToken })
    expect(me.body.email).toBe(u.email)
  })

  test('unknown or malformed user id → 404 / 400', async () => {
    expect((await api('GET', '/v1/users/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).status).toBe(404)
    const bad = await api('GET', '/v1/users/nope')
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('INVALID_PARAMETER')
    expect(bad.body.errors[0].field).toBe('userId')
  })
})

describe('creators', () => {
  test('one creator per user, unique handle (case-insensitive), shows up in /v1/me', async () => {
    const c = await registerCreator(api)
    expect(c.creator).toMatchObject({ userId: c.user.id, followerCount: 0, displayName: 'Test Creator' })
    const again = await api('POST', '/v1/creators', { token: c.accessToken, body: { handle: unique('x'), displayName: 'Again' } })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('ALREADY_A_CREATOR')
    const other = await registerUser(api)
    const clash = await api('POST', '/v1/creators', { token: other.accessToken, body: { handle: c.creator.handle, displayName: 'Clash' } })
    expect(clash.status).toBe(409)
    expect(clash.body.code).toBe('HANDLE_TAKEN')
    const me = await api('GET', '/v1/me', { token: c.accessToken })
    expect(me.body.creator.id).toBe(c.creator.id)
    const got = await api('GET', `/v1/creators/${c.creator.id}`)
    expect(got.body).toEqual(c.creator)
    const [{ count }] = await deps.sql`select count(*)::int from creators where user_id = ${c.user.id}`
    expect(count).toBe(1)
  })

  test('server-owned fields cannot be set', async () => {
    const u = await registerUser(api)
    const res = await api('POST', '/v1/creators', { token: u.accessToken, body: { handle: unique('m'), displayName: 'M', followerCount: 1000000 } })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].field).toBe('/followerCount')
    expect((await api('GET', '/v1/me', { token: u.accessToken })).body.creator).toBeNull()
  })
})

describe('products', () => {
  test('only creators create (403 NOT_A_CREATOR); only the owner patches', async () => {
    const plain = await registerUser(api)
    const denied = await api('POST', '/v1/products', { token: plain.accessToken, body: { title: 'T', priceCents: 100, currency: 'EUR' } })
    expect(denied.status).toBe(403)
    expect(denied.body.code).toBe('NOT_A_CREATOR')

    const c = await registerCreator(api)
    const created = await api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Tee', description: 'cotton', priceCents: 2500, currency: 'USD' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ creatorId: c.creator.id, title: 'Tee', description: 'cotton', priceCents: 2500, currency: 'USD' })

    const other = await registerCreator(api)
    const notOwner = await api('PATCH', `/v1/products/${created.body.id}`, { token: other.accessToken, body: { title: 'Mine now' } })
    expect(notOwner.status).toBe(403)
    expect(notOwner.body.code).toBe('FORBIDDEN')

    const patched = await api('PATCH', `/v1/products/${created.body.id}`, { token: c.accessToken, body: { priceCents: 1999 } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ title: 'Tee', priceCents: 1999 })

    const massAssign = await api('PATCH', `/v1/products/${created.body.id}`, { token: c.accessToken, body: { creatorId: other.creator.id } })
    expect(massAssign.status).toBe(422)
    const empty = await api('PATCH', `/v1/products/${created.body.id}`, { token: c.accessToken, body: {} })
    expect(empty.status).toBe(422)
    const [row] = await deps.sql`select creator_id, title, price_cents from products where id = ${created.body.id}`
    expect(row).toEqual({ creatorId: c.creator.id, title: 'Tee', priceCents: 1999 })
    expect((await api('PATCH', '/v1/products/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', { token: c.accessToken, body: { title: 'x' } })).status).toBe(404)
  })

  test('bad product bodies → 422 naming the field, nothing written', async () => {
    const c = await registerCreator(api)
    const cases: Array<[unknown, string]> = [
      [{ title: '', priceCents: 1, currency: 'EUR' }, '/title'],
      [{ title: 'x', priceCents: -1, currency: 'EUR' }, '/priceCents'],
      [{ title: 'x', priceCents: 1.5, currency: 'EUR' }, '/priceCents'],
      [{ title: 'x', priceCents: '100', currency: 'EUR' }, '/priceCents'],
      [{ title: 'x', priceCents: 1, currency: 'euro' }, '/currency'],
      [{ title: 'x', priceCents: 1, currency: 'EUR', id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, '/id'],
    ]
    for (const [body, field] of cases) {
      const res = await api('POST', '/v1/products', { token: c.accessToken, body })
      expect(res.status).toBe(422)
      expect(res.body.errors.map((e: any) => e.field)).toContain(field)
    }
    const [{ count }] = await deps.sql`select count(*)::int from products where creator_id = ${c.creator.id}`
    expect(count).toBe(0)
  })

  test('keyset pagination: newest first, stable, cursor opaque, limit capped, garbage cursor → 400', async () => {
    const c = await registerCreator(api)
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await api('POST', '/v1/products', { token: c.accessToken, body: { title: `P${i}`, priceCents: i, currency: 'EUR' } })
      ids.push(r.body.id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const q: string = `/v1/products?creatorId=${c.creator.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`
      const page = await api('GET', q)
      expect(page.status).toBe(200)
      expect(page.body.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.body.items.map((p: any) => p.id))
      cursor = page.body.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())

    const def = await api('GET', `/v1/products?creatorId=${c.creator.id}`)
    expect(def.body.items.length).toBe(7)
    expect((await api('GET', '/v1/products?limit=101')).status).toBe(400)
    expect((await api('GET', '/v1/products?limit=0')).status).toBe(400)
    for (const cursor of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x"]').toString('base64url')]) {
      const bad = await api('GET', `/v1/products?cursor=${cursor}`)
      expect(bad.status).toBe(400)
      expect(bad.body.code).toBe('INVALID_CURSOR')
    }
  })
})
