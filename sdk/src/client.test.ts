import { afterAll, describe, expect, test } from 'bun:test'
import { createSdkContext, unique } from '../test/helpers'
import { LiveDropError, type Product } from './index'

const t = createSdkContext()
afterAll(() => t.close())

describe('auth through the SDK', () => {
  test('register keeps the token pair and reports it through onTokens', async () => {
    const seen: unknown[] = []
    const ld = t.sdk({ onTokens: (p) => seen.push(p) })
    const username = unique('reg_')
    const { data, error, response } = await ld.register({ username, email: `${username}@example.test`, password: 'correct horse battery' })
    expect(error).toBeUndefined()
    expect(response.status).toBe(201)
    expect(data!.user.username).toBe(username)
    expect(ld.tokens).toEqual({ accessToken: data!.accessToken, refreshToken: data!.refreshToken })
    expect(seen).toEqual([ld.tokens])
    const me = await ld.GET('/v1/me')
    expect(me.data!.id).toBe(data!.user.id)
  })

  test('a wrong password is a typed problem value, not an exception, and stores nothing', async () => {
    const u = await t.user()
    const ld = t.sdk()
    const { data, error, response } = await ld.login({ email: u.email, password: 'wrong password!' })
    expect(data).toBeUndefined()
    expect(response.status).toBe(401)
    expect(error!.code).toBe('INVALID_CREDENTIALS')
    expect(error!.requestId).toBeTruthy()
    expect(ld.tokens).toBeNull()
  })

  test('login then logout: the refresh token is revoked on the server and forgotten locally', async () => {
    const u = await t.user()
    const ld = t.sdk()
    const { error } = await ld.login({ email: u.email, password: u.password })
    expect(error).toBeUndefined()
    const { refreshToken } = ld.tokens!
    await ld.logout()
    expect(ld.tokens).toBeNull()
    const again = await ld.POST('/v1/auth/refresh', { body: { refreshToken } })
    expect(again.error!.code).toBe('INVALID_REFRESH_TOKEN')
    const me = await ld.GET('/v1/me')
    expect(me.response.status).toBe(401)
    expect(me.error!.code).toBe('UNAUTHORIZED')
  })

  test('refresh() rotates the pair', async () => {
    const { ld } = await t.user()
    const before = ld.tokens!
    expect(await ld.refresh()).toEqual({ ok: true })
    expect(ld.tokens!.refreshToken).not.toBe(before.refreshToken)
    expect((await ld.GET('/v1/me')).response.status).toBe(200)
  })
})

describe('me and users', () => {
  test('GET /v1/me has the email; the public profile does not', async () => {
    const u = await t.user()
    const me = await u.ld.GET('/v1/me')
    expect(me.data).toMatchObject({ id: u.userId, username: u.username, email: u.email, creator: null })
    const pub = await t.sdk().GET('/v1/users/{userId}', { params: { path: { userId: u.userId } } })
    expect(pub.data).toMatchObject({ id: u.userId, username: u.username })
    expect(pub.data).not.toHaveProperty('email')
  })

  test('an unknown user is a 404 NOT_FOUND problem', async () => {
    const r = await t.sdk().GET('/v1/users/{userId}', { params: { path: { userId: '01900000-0000-7000-8000-000000000000' } } })
    expect(r.response.status).toBe(404)
    expect(r.error!.code).toBe('NOT_FOUND')
  })
})

describe('creators', () => {
  test('become a creator, read the profile back, and a taken handle is a 409', async () => {
    const u = await t.user()
    const handle = unique('h').toLowerCase()
    const c = await u.ld.POST('/v1/creators', { body: { handle, displayName: 'Shop' } })
    expect(c.response.status).toBe(201)
    expect(c.data).toMatchObject({ userId: u.userId, handle, displayName: 'Shop', followerCount: 0 })
    const got = await t.sdk().GET('/v1/creators/{creatorId}', { params: { path: { creatorId: c.data!.id } } })
    expect(got.data).toEqual(c.data!)
    expect((await u.ld.GET('/v1/me')).data!.creator!.id).toBe(c.data!.id)

    const other = await t.user()
    const dup = await other.ld.POST('/v1/creators', { body: { handle, displayName: 'Copy' } })
    expect(dup.response.status).toBe(409)
    expect(dup.error!.code).toBe('HANDLE_TAKEN')
  })
})

describe('products', () => {
  test('create, get, patch; a non-creator is refused', async () => {
    const { ld, creatorId } = await t.creator()
    const made = await ld.POST('/v1/products', { body: { title: 'Hoodie', description: 'Warm', priceCents: 4500, currency: 'EUR' } })
    expect(made.response.status).toBe(201)
    expect(made.data).toMatchObject({ creatorId, title: 'Hoodie', priceCents: 4500, currency: 'EUR' })
    const id = made.data!.id
    const patched = await ld.PATCH('/v1/products/{productId}', { params: { path: { productId: id } }, body: { priceCents: 3900 } })
    expect(patched.data!.priceCents).toBe(3900)
    const got = await t.sdk().GET('/v1/products/{productId}', { params: { path: { productId: id } } })
    expect(got.data!.priceCents).toBe(3900)

    const buyer = await t.user()
    const refused = await buyer.ld.POST('/v1/products', { body: { title: 'Nope', priceCents: 1, currency: 'EUR' } })
    expect(refused.response.status).toBe(403)
    expect(refused.error!.code).toBe('NOT_A_CREATOR')
  })

  test('bad input is a 422 with the failing field named', async () => {
    const { ld } = await t.creator()
    // @ts-expect-error the types forbid a string price; a plain-JS caller still gets a precise answer
    const r = await ld.POST('/v1/products', { body: { title: 'X', priceCents: 'free', currency: 'EUR' } })
    expect(r.response.status).toBe(422)
    expect(r.error!.code).toBe('VALIDATION_FAILED')
    expect(r.error!.errors!.some((e) => e.field.includes('priceCents'))).toBe(true)
  })

  test('paginate walks every page of a list, lazily, in the server order', async () => {
    const { ld, creatorId } = await t.creator()
    const titles = Array.from({ length: 7 }, (_, i) => `p${i}`)
    for (const title of titles) {
      const r = await ld.POST('/v1/products', { body: { title, priceCents: 100, currency: 'USD' } })
      expect(r.response.status).toBe(201)
    }
    const before = t.requests.length
    const all: Product[] = []
    for await (const p of ld.paginate('/v1/products', { params: { query: { creatorId, limit: 3 } } })) all.push(p)
    expect(all.map((p) => p.title)).toEqual([...titles].reverse()) // newest first
    expect(t.requests.length - before).toBe(3) // 3 + 3 + 1

    const first: string[] = []
    const start = t.requests.length
    for await (const p of ld.paginate('/v1/products', { params: { query: { creatorId, limit: 2 } } })) {
      first.push(p.title)
      if (first.length === 2) break
    }
    expect(first).toEqual(['p6', 'p5'])
    expect(t.requests.length - start).toBe(1) // breaking out fetched no further page
  })

  test('paginate throws a LiveDropError carrying the problem when a page is refused', async () => {
    const ld = t.sdk()
    const it = ld.paginate('/v1/products', { params: { query: { cursor: 'not-a-real-cursor' } } })
    const err = await it.next().then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(LiveDropError)
    expect((err as LiveDropError).status).toBe(400)
    expect((err as LiveDropError).code).toBe('INVALID_CURSOR')
  })
})

describe('ops', () => {
  test('healthz and the contract as served', async () => {
    const ld = t.sdk()
    expect((await ld.GET('/healthz')).data).toEqual({ status: 'ok' })
    const spec = await ld.GET('/openapi.yaml', { parseAs: 'text' })
    expect(spec.data).toContain('openapi: 3.1.0')
  })
})
