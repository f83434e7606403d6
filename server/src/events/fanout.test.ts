import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig } from '../../test/helpers'
import { readSse, type SseReader } from '../../test/sse'
import { openUserStream } from './service'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
beforeAll(() => deps.live.start())
afterAll(() => ctx.close())

const me = async (token: string) => {
  const s = await readSse(await ctx.app.handle(new Request('http://localhost/v1/me/events', { headers: { authorization: `Bearer ${token}` } })), '/v1/me/events')
  expect((await s.next()).event).toBe('state')
  return s
}

test('50 drops going live in one second reach followers < 2 s, with 8,000 other personal streams open; follows made after opening count', async () => {
  const owner = await registerCreator(api)
  const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Fifty', priceCents: 100, currency: 'EUR' } })
  const drops: string[] = []
  for (let i = 0; i < 50; i++) {
    const d = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 5 } })
    expect(d.status).toBe(201)
    drops.push(d.body.id)
  }
  const follow = (token: string) => api('POST', `/v1/creators/${owner.creator.id}/follow`, { token })
  const [early, late, quitter, stranger] = await Promise.all([registerUser(api), registerUser(api), registerUser(api), registerUser(api)])
  expect((await follow(early.accessToken)).status).toBe(204)
  expect((await follow(quitter.accessToken)).status).toBe(204)
  const streams = { early: await me(early.accessToken), late: await me(late.accessToken), quitter: await me(quitter.accessToken), stranger: await me(stranger.accessToken) }
  // Changed while their streams are open: one starts following, one stops.
  expect((await follow(late.accessToken)).status).toBe(204)
  expect((await api('DELETE', `/v1/creators/${owner.creator.id}/follow`, { token: quitter.accessToken })).status).toBe(204)

  // Everybody else connected to this instance (users of other creators).
  const others: SseReader[] = []
  for (let i = 0; i < 8000; i += 200) {
    others.push(...(await Promise.all(Array.from({ length: 200 }, async () => readSse(await openUserStream(deps, { userId: crypto.randomUUID(), sessionId: null, expiresAtMs: null }))))))
  }
  await Bun.sleep(500) // the follow events above are routed by now

  await deps.sql`update drops set starts_at = now() where id = any(${drops}::uuid[])`
  await deps.scheduler.tick()
  const [{ at }] = await deps.sql<{ at: Date }[]>`select max(at) as at from drop_transitions where drop_id = any(${drops}::uuid[]) and to_status = 'live'`
  const received = async (s: SseReader) => {
    const got = await s.collect((_, all) => all.length === 50, 10_000)
    return { ms: Date.now() - at.getTime(), got }
  }
  const [a, b] = await Promise.all([received(streams.early), received(streams.late)])
  console.error(`[fanout] 50 drop.live with 8,004 personal streams open: last one at the followers ${a.ms} ms / ${b.ms} ms after the transitions`)
  for (const r of [a, b]) {
    expect(r.got.every((e) => e.event === 'drop.live')).toBe(true)
    expect(new Set(r.got.map((e) => e.data.dropId))).toEqual(new Set(drops))
    expect(r.ms).toBeLessThan(2000)
  }
  expect(await streams.quitter.drain(300)).toEqual([])
  expect(await streams.stranger.drain(0)).toEqual([])

  await Promise.all([...Object.values(streams), ...others].map((s) => s.close()))
  await Bun.sleep(100)
  expect(deps.live.subscriptions()).toBe(0)
  expect(deps.live.watchedUsers()).toBe(0)
}, 120_000)
