import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig } from '../../test/helpers'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
afterAll(() => ctx.close())

const followerCount = async (creatorId: string) => (await api('GET', `/v1/creators/${creatorId}`)).body.followerCount as number

describe('follows', () => {
  test('follow / unfollow are idempotent 204s and followerCount follows them', async () => {
    const c = await registerCreator(api)
    const u = await registerUser(api)
    for (let i = 0; i < 2; i++) expect((await api('POST', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken })).status).toBe(204)
    expect(await followerCount(c.creator.id)).toBe(1)
    for (let i = 0; i < 2; i++) expect((await api('DELETE', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken })).status).toBe(204)
    expect(await followerCount(c.creator.id)).toBe(0)
  })

  test('yourself → 422 CANNOT_FOLLOW_SELF, missing creator → 404, anonymous → 401, bad id → 400', async () => {
    const c = await registerCreator(api)
    const self = await api('POST', `/v1/creators/${c.creator.id}/follow`, { token: c.accessToken })
    expect(self.status).toBe(422)
    expect(self.body.code).toBe('CANNOT_FOLLOW_SELF')
    const missing = await api('POST', '/v1/creators/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/follow', { token: c.accessToken })
    expect(missing.status).toBe(404)
    expect((await api('DELETE', '/v1/creators/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/follow', { token: c.accessToken })).status).toBe(404)
    expect((await api('POST', `/v1/creators/${c.creator.id}/follow`)).status).toBe(401)
    expect((await api('POST', '/v1/creators/nope/follow', { token: c.accessToken })).status).toBe(400)
    expect((await api('GET', '/v1/creators/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/followers')).status).toBe(404)
    expect((await api('GET', '/v1/users/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/following')).status).toBe(404)
    expect(await followerCount(c.creator.id)).toBe(0)
  })

  test('followerCount stays exact under concurrent follow/unfollow storms', async () => {
    const c = await registerCreator(api)
    const users = await Promise.all(Array.from({ length: 30 }, () => registerUser(api)))
    // Every user fires follow, unfollow, follow, follow concurrently with everyone else; each ends up either way.
    await Promise.all(users.flatMap((u) => [
      api('POST', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken }),
      api('DELETE', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken }),
      api('POST', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken }),
      api('POST', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken }),
    ]))
    const [{ rows }] = await deps.sql<{ rows: number }[]>`select count(*)::int as rows from follows where creator_id = ${c.creator.id}`
    expect(await followerCount(c.creator.id)).toBe(rows)
    await Promise.all(users.slice(0, 10).map((u) => api('DELETE', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken })))
    const [{ after }] = await deps.sql<{ after: number }[]>`select count(*)::int as after from follows where creator_id = ${c.creator.id}`
    expect(await followerCount(c.creator.id)).toBe(after)
    expect(after).toBeLessThanOrEqual(20)
  })

  test('followers and following are cursor-paginated, most recent first, without gaps or repeats', async () => {
    const c = await registerCreator(api)
    const others = await Promise.all(Array.from({ length: 3 }, () => registerCreator(api)))
    const users = []
    for (let i = 0; i < 7; i++) {
      const u = await registerUser(api)
      expect((await api('POST', `/v1/creators/${c.creator.id}/follow`, { token: u.accessToken })).status).toBe(204)
      users.push(u)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await api('GET', `/v1/creators/${c.creator.id}/followers?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.status).toBe(200)
      seen.push(...page.body.items.map((i: any) => i.user.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(seen).toEqual(users.map((u) => u.user.id).reverse())

    const fan = users[0]
    for (const o of others) await api('POST', `/v1/creators/${o.creator.id}/follow`, { token: fan.accessToken })
    const p1 = await api('GET', `/v1/users/${fan.user.id}/following?limit=2`)
    const p2 = await api('GET', `/v1/users/${fan.user.id}/following?limit=2&cursor=${p1.body.nextCursor}`)
    expect([...p1.body.items, ...p2.body.items].map((i: any) => i.creator.id)).toEqual([...others.map((o) => o.creator.id).reverse(), c.creator.id])
    expect(p2.body.nextCursor).toBeNull()
    expect(p1.body.items[0].creator).toMatchObject({ handle: others[2].creator.handle, followerCount: 1 })
    expect((await api('GET', `/v1/users/${fan.user.id}/following?cursor=garbage`)).body.code).toBe('INVALID_CURSOR')
  })
})
