import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { testConfig } from '../../server/test/helpers'
import { createSdkContext, cutAfter, withRejectedAccessToken } from '../test/helpers'
import type { LiveDropEvent } from './index'

// Against the real server's streams (GET /v1/drops/{id}/events, GET /v1/me/events), in-process.
const t = createSdkContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
beforeAll(() => t.deps.live.start())
afterAll(() => t.close())

const path = (r: Request) => new URL(r.url).pathname

async function scheduledDrop(initialStock = 10) {
  const c = await t.creator()
  const product = await c.ld.POST('/v1/products', { body: { title: 'Jacket', priceCents: 9900, currency: 'EUR' } })
  const made = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock } })
  expect(made.response.status).toBe(201)
  return { ...c, drop: made.data! }
}
const goLive = async (dropId: string) => {
  await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
  await t.deps.scheduler.tick()
}

/** Collects events until `done` says so, failing the test after `ms`. */
async function collect<T extends string>(it: AsyncGenerator<LiveDropEvent<T>>, done: (all: LiveDropEvent<T>[]) => boolean, ms = 15_000) {
  const all: LiveDropEvent<T>[] = []
  const timer = setTimeout(() => void it.return(undefined), ms)
  for await (const e of it) {
    all.push(e)
    if (done(all)) break
  }
  clearTimeout(timer)
  return all
}

describe('live streams of the real server through the SDK', () => {
  test('a drop stream opens with its state, then drop.live when the scheduler starts it, then stock', async () => {
    const { drop } = await scheduledDrop(10)
    const buyer = await t.user()
    const it = t.sdk().subscribe({ dropId: drop.id })
    const first = await it.next()
    expect(first.value).toMatchObject({ type: 'state', dropId: drop.id, data: { id: drop.id, status: 'scheduled', availableStock: 10 } })
    await goLive(drop.id)
    const live = await it.next()
    expect(live.value).toMatchObject({ type: 'drop.live', dropId: drop.id })
    expect(Number(live.value!.id)).toBeGreaterThan(Number(first.value!.id ?? 0))
    expect((await buyer.ld.createOrder({ dropId: drop.id, quantity: 3 })).response.status).toBe(201)
    const rest = await collect(it, (all) => all.some((e) => e.type === 'drop.stock'))
    expect(rest.find((e) => e.type === 'drop.stock')!.data).toMatchObject({ availableStock: 7 })
  })

  test('the personal stream cut twice mid-event resumes with Last-Event-ID: every order.confirmed once, in order', async () => {
    const { drop } = await scheduledDrop(50)
    await goLive(drop.id)
    const buyer = await t.user()
    let connections = 0
    const lastIds: Array<string | null> = []
    const ld = t.sdk({
      tokens: buyer.ld.tokens,
      fetch: async (req) => {
        const res = await t.fetch(req)
        if (path(req) !== '/v1/me/events') return res
        connections++
        lastIds.push(req.headers.get('last-event-id'))
        // connection 1: the state and one order, connection 2: two orders; then cut mid-event each time
        return connections === 1 ? cutAfter(res, 2) : connections === 2 ? cutAfter(res, 2) : res
      },
    })
    const it = ld.subscribe({ me: true })
    expect((await it.next()).value!.type).toBe('state')
    const orderIds: string[] = []
    const placing = (async () => {
      for (let i = 0; i < 6; i++) {
        const r = await buyer.ld.createOrder({ dropId: drop.id, quantity: 1 })
        orderIds.push(r.data!.id)
        await Bun.sleep(150)
      }
    })()
    const events = await collect(it, (all) => all.filter((e) => e.type === 'order.confirmed').length === 6, 20_000)
    await placing
    const confirmed = events.filter((e) => e.type === 'order.confirmed')
    expect(confirmed.map((e) => (e.data as { order: { id: string } }).order.id)).toEqual(orderIds)
    const ids = confirmed.map((e) => Number(e.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(6)
    expect(events.filter((e) => e.type === 'state' || e.type === 'reset')).toEqual([]) // resumed, not restarted
    expect(connections).toBe(3)
    expect(lastIds[0]).toBeNull()
    expect(lastIds[1]).toBe(String(ids[0]))
    expect(lastIds[2]).toBe(String(ids[2]))
  }, 30_000)

  test('the webhook event stream: typed, raw is the delivery body (verifiable once signed), cut mid-event it resumes', async () => {
    const { ld: owner, drop, creatorId } = await scheduledDrop(10)
    let connections = 0
    const lastIds: Array<string | null> = []
    const ld = t.sdk({
      tokens: owner.tokens,
      fetch: async (req) => {
        const res = await t.fetch(req)
        if (path(req) !== '/v1/webhooks/events') return res
        connections++
        lastIds.push(req.headers.get('last-event-id'))
        return connections === 1 ? cutAfter(res, 3) : res // state, drop.live, one order; then cut mid-event
      },
    })
    const it = ld.subscribe({ webhooks: true })
    const first = await it.next()
    expect(first.value).toMatchObject({ type: 'state', data: { creatorId } })
    await goLive(drop.id)
    const buyer = await t.user()
    for (let i = 0; i < 3; i++) expect((await buyer.ld.createOrder({ dropId: drop.id, quantity: 1 })).response.status).toBe(201)
    const events = await collect(it, (all) => all.filter((e) => e.type === 'order.confirmed').length === 3)
    expect(events.map((e) => e.type)).toEqual(['drop.live', 'order.confirmed', 'order.confirmed', 'order.confirmed'])
    expect(connections).toBe(2)
    expect(lastIds).toEqual([null, events[1].id!])
    for (const e of events) {
      // The line as sent is the WebhookEvent a delivery carries: same id scheme, type, creator and payload.
      const body = JSON.parse(e.raw!)
      expect(body).toEqual({ id: `evt_${e.id}`, type: e.type, createdAt: e.createdAt, creatorId, dropId: drop.id, data: e.data })
      if (e.type === 'order.confirmed') expect((e.data as { order?: unknown }).order).toBeDefined()
    }
  }, 30_000)

  test('the personal stream with a ticket instead of the header', async () => {
    const buyer = await t.user()
    const from = t.requests.length
    const it = buyer.ld.subscribe({ me: true }, { auth: 'ticket' })
    const first = await it.next()
    expect(first.value).toMatchObject({ type: 'state', data: { unreadNotifications: 0 } })
    await it.return(undefined)
    const sent = t.requests.slice(from)
    expect(sent.map(path)).toEqual(['/v1/realtime/tickets', '/v1/me/events'])
    expect(sent[1].headers.get('authorization')).toBeNull()
    expect(new URL(sent[1].url).searchParams.get('ticket')).toBeTruthy()
  })

  test('the personal stream refreshes a rejected access token and opens', async () => {
    const buyer = await t.user()
    const ld = t.sdk({ tokens: withRejectedAccessToken(buyer.ld.tokens!) })
    const from = t.requests.length
    const it = ld.subscribe({ me: true })
    expect((await it.next()).value!.type).toBe('state')
    await it.return(undefined)
    expect(t.requests.slice(from).map(path)).toEqual(['/v1/me/events', '/v1/auth/refresh', '/v1/me/events'])
  })

  test('stream.closed {token_expired} is handled: an immediate reconnection with a refreshed token and Last-Event-ID', async () => {
    const short = createSdkContext({ accessTokenTtlSec: 2 })
    await short.deps.live.start()
    try {
      const buyer = await short.user()
      const seen: string[] = []
      const it = buyer.ld.subscribe({ me: true }, { retryMs: 10_000 }) // a pause of 10 s would time the test out
      const first = await it.next()
      expect(first.value!.type).toBe('state')
      const from = short.requests.length
      // The server ends the stream at the token's exp; the caller just goes on reading.
      const next = it.next()
      await Bun.sleep(2500)
      const c = await short.creator()
      const product = await c.ld.POST('/v1/products', { body: { title: 'Cap', priceCents: 100, currency: 'EUR' } })
      const made = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 3 } })
      await short.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${made.data!.id}`
      await short.deps.scheduler.tick()
      expect((await buyer.ld.createOrder({ dropId: made.data!.id, quantity: 1 })).response.status).toBe(201)
      const e = await next
      seen.push(e.value!.type)
      await it.return(undefined)
      expect(seen).toEqual(['order.confirmed'])
      const streams = short.requests.slice(from).filter((r) => path(r) === '/v1/me/events')
      expect(streams.length).toBeGreaterThanOrEqual(1)
      expect(streams[0].headers.get('last-event-id')).toBe(first.value!.id!)
      expect(short.requests.slice(from).map(path)).toContain('/v1/auth/refresh')
    } finally {
      await short.close()
    }
  })

  test('stream.closed {logged_out} is yielded and ends the iteration', async () => {
    const buyer = await t.user()
    const watcher = t.sdk({ tokens: buyer.ld.tokens })
    const it = watcher.subscribe({ me: true })
    expect((await it.next()).value!.type).toBe('state')
    await buyer.ld.logout()
    const closed = await it.next()
    expect(closed.value).toMatchObject({ type: 'stream.closed', data: { reason: 'logged_out' } })
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  test('follows and notifications: a followed creator going live reaches the personal stream and the inbox', async () => {
    const { drop, creatorId, userId: creatorUserId } = await scheduledDrop(5)
    const fan = await t.user()
    const follow = { params: { path: { creatorId } } }
    expect((await fan.ld.POST('/v1/creators/{creatorId}/follow', follow)).response.status).toBe(204)
    expect((await fan.ld.POST('/v1/creators/{creatorId}/follow', follow)).response.status).toBe(204) // idempotent
    const followers: string[] = []
    for await (const f of t.sdk().paginate('/v1/creators/{creatorId}/followers', follow)) followers.push(f.user.id)
    expect(followers).toEqual([fan.userId])
    const following: string[] = []
    for await (const f of t.sdk().paginate('/v1/users/{userId}/following', { params: { path: { userId: fan.userId } } })) following.push(f.creator.id)
    expect(following).toEqual([creatorId])
    expect(creatorUserId).not.toBe(fan.userId)

    const it = fan.ld.subscribe({ me: true })
    expect((await it.next()).value!.type).toBe('state')
    await goLive(drop.id)
    const live = await collect(it, (all) => all.some((e) => e.type === 'drop.live'))
    expect(live.find((e) => e.type === 'drop.live')!.data).toMatchObject({ id: drop.id })
    expect((await fan.ld.createOrder({ dropId: drop.id, quantity: 1 })).response.status).toBe(201)
    await collect(it, (all) => all.some((e) => e.type === 'order.confirmed'))
    await it.return(undefined)

    // The inbox is written by the notifier from the outbox, in the background: wait for it (bounded).
    const inbox = async () => {
      const items = []
      for await (const n of fan.ld.paginate('/v1/me/notifications', { params: { query: { unread: true } } })) items.push(n)
      return items
    }
    let unread = await inbox()
    for (const end = Date.now() + 5000; unread.length < 2 && Date.now() < end; unread = await inbox()) await Bun.sleep(50)
    expect(unread.map((n) => n.type).sort()).toEqual(['drop.live', 'order.confirmed'])
    const read = await fan.ld.POST('/v1/me/notifications/{notificationId}/read', { params: { path: { notificationId: unread[0].id } } })
    expect(read.data!.readAt).toBeTruthy()
    expect((await fan.ld.POST('/v1/me/notifications/read-all')).response.status).toBe(204)
    const left = await fan.ld.GET('/v1/me/notifications', { params: { query: { unread: true } } })
    expect(left.data!.items).toEqual([])

    expect((await fan.ld.DELETE('/v1/creators/{creatorId}/follow', follow)).response.status).toBe(204)
    const after = await t.sdk().GET('/v1/creators/{creatorId}/followers', follow)
    expect(after.data!.items).toEqual([])
  })
})
