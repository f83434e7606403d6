import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, liveDrop, registerCreator, registerUser, testConfig } from '../../test/helpers'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
afterAll(() => ctx.close())

/** Numbers what is committed and writes its notifications, as the background loops would. */
async function settle() {
  // A tick returns 0 also when another instance holds the lock, so wait on the database's view instead.
  for (;;) {
    await deps.live.relayTick()
    await deps.live.notifierTick()
    const [r] = await deps.sql<{ pending: number; behind: boolean }[]>`
      select (select count(*)::int from outbox where seq is null) as pending,
             (select coalesce(max(seq), 0) from outbox) > (select seq from outbox_cursors where name = 'notified') as behind`
    if (r.pending === 0 && !r.behind) return
    await Bun.sleep(20)
  }
}

describe('notifications', () => {
  test('drop.live → every follower; orders → the buyer; sold out → buyers; each once', async () => {
    const creator = await registerCreator(api)
    const followers = await Promise.all(Array.from({ length: 5 }, () => registerUser(api)))
    for (const f of followers) expect((await api('POST', `/v1/creators/${creator.creator.id}/follow`, { token: f.accessToken })).status).toBe(204)
    const product = await api('POST', '/v1/products', { token: creator.accessToken, body: { title: 'x', priceCents: 100, currency: 'EUR' } })
    const drop = await api('POST', '/v1/drops', { token: creator.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 1 } })
    await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
    await deps.scheduler.tick()
    const buyer = followers[0]
    const o = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.body.id, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(o.status).toBe(201)
    await settle()
    await settle()

    const mine = await api('GET', '/v1/me/notifications', { token: buyer.accessToken })
    expect(mine.status).toBe(200)
    expect(mine.body.items.map((n: any) => n.type)).toEqual(['drop.sold_out', 'order.confirmed', 'drop.live'])
    expect(mine.body.items[1].data.order.id).toBe(o.body.id)
    expect(mine.body.items[2].data).toMatchObject({ id: drop.body.id, status: 'live' })
    for (const f of followers.slice(1)) {
      const theirs = await api('GET', '/v1/me/notifications', { token: f.accessToken })
      expect(theirs.body.items.map((n: any) => n.type)).toEqual(['drop.live'])
    }
    const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from notifications where data->>'id' = ${drop.body.id} and type = 'drop.live'`
    expect(n).toBe(5)
    // The creator follows nobody and bought nothing.
    expect((await api('GET', '/v1/me/notifications', { token: creator.accessToken })).body.items).toEqual([])
  })

  test('unread filter, read one (idempotent, owner only), read all; pagination', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 50 })
    const buyer = await registerUser(api)
    for (let i = 0; i < 5; i++) {
      const o = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.id, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
      expect(o.status).toBe(201)
    }
    await settle()
    const all = await api('GET', '/v1/me/notifications?limit=3', { token: buyer.accessToken })
    expect(all.body.items.length).toBe(3)
    const rest = await api('GET', `/v1/me/notifications?limit=3&cursor=${all.body.nextCursor}`, { token: buyer.accessToken })
    expect(rest.body.items.length).toBe(2)
    expect(rest.body.nextCursor).toBeNull()
    const target = all.body.items[0]
    expect(target.readAt).toBeNull()

    const read = await api('POST', `/v1/me/notifications/${target.id}/read`, { token: buyer.accessToken })
    expect(read.status).toBe(200)
    expect(read.body.readAt).not.toBeNull()
    const again = await api('POST', `/v1/me/notifications/${target.id}/read`, { token: buyer.accessToken })
    expect(again.body.readAt).toBe(read.body.readAt)
    const stranger = await registerUser(api)
    expect((await api('POST', `/v1/me/notifications/${target.id}/read`, { token: stranger.accessToken })).status).toBe(404)

    expect((await api('GET', '/v1/me/notifications?unread=true', { token: buyer.accessToken })).body.items.length).toBe(4)
    expect((await api('GET', '/v1/me/notifications?unread=false', { token: buyer.accessToken })).body.items.map((n: any) => n.id)).toEqual([target.id])
    expect((await api('POST', '/v1/me/notifications/read-all', { token: buyer.accessToken })).status).toBe(204)
    expect((await api('GET', '/v1/me/notifications?unread=true', { token: buyer.accessToken })).body.items).toEqual([])
    expect((await api('GET', '/v1/me/notifications?unread=maybe', { token: buyer.accessToken })).status).toBe(400)
    expect((await api('GET', '/v1/me/notifications')).status).toBe(401)
  })

  test('the notifier is exactly-once even when several run at once', async () => {
    const creator = await registerCreator(api)
    const fans = await Promise.all(Array.from({ length: 20 }, () => registerUser(api)))
    for (const f of fans) await api('POST', `/v1/creators/${creator.creator.id}/follow`, { token: f.accessToken })
    const { appendEvent } = await import('../platform/outbox')
    const marker = crypto.randomUUID()
    await deps.sql.begin((tx) => appendEvent(tx, { type: 'drop.live', creatorId: creator.creator.id, dropId: marker, data: { marker } }))
    for (;;) {
      await deps.live.relayTick()
      const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from outbox where seq is null`
      if (n === 0) break
    }
    await Promise.all([deps.live.notifierTick(), deps.live.notifierTick(), deps.live.notifierTick()])
    await settle()
    const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from notifications where data->>'marker' = ${marker}`
    expect(n).toBe(20)
  })
})
