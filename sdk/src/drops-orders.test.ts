import { afterAll, describe, expect, test } from 'bun:test'
import { testConfig } from '../../server/test/helpers'
import { createSdkContext } from '../test/helpers'
import type { Drop, Order } from './index'

const t = createSdkContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
afterAll(() => t.close())

/** A creator's product and a drop scheduled through the SDK, then made due and moved live by the real scheduler. */
async function liveDrop(initialStock = 5, extra: { perUserLimit?: number } = {}) {
  const c = await t.creator()
  const product = await c.ld.POST('/v1/products', { body: { title: 'Sneaker', priceCents: 12_000, currency: 'EUR' } })
  const made = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock, ...extra } })
  expect(made.response.status).toBe(201)
  expect(made.data!.status).toBe('scheduled')
  await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${made.data!.id}`
  await t.deps.scheduler.tick()
  const got = await c.ld.GET('/v1/drops/{dropId}', { params: { path: { dropId: made.data!.id } } })
  expect(got.data!.status).toBe('live')
  return { ...c, productId: product.data!.id, drop: got.data! }
}

const ordersOf = async (userId: string, dropId: string) =>
  (await t.deps.sql`select id, quantity, status from orders where user_id = ${userId} and drop_id = ${dropId}`) as unknown as Array<{ id: string; quantity: number; status: string }>

describe('drops through the SDK', () => {
  test('schedule, update while scheduled, list by creator, cancel; only the owner may', async () => {
    const c = await t.creator()
    const product = await c.ld.POST('/v1/products', { body: { title: 'Cap', priceCents: 2000, currency: 'EUR' } })
    const startsAt = new Date(Date.now() + 3_600_000).toISOString()
    const made = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt, initialStock: 50, perUserLimit: 2 } })
    expect(made.data).toMatchObject({ productId: product.data!.id, creatorId: c.creatorId, status: 'scheduled', initialStock: 50, availableStock: 50, perUserLimit: 2 })
    const dropId = made.data!.id

    const patched = await c.ld.PATCH('/v1/drops/{dropId}', { params: { path: { dropId } }, body: { initialStock: 60, perUserLimit: null } })
    expect(patched.data).toMatchObject({ initialStock: 60, availableStock: 60, perUserLimit: null })

    const past = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() - 60_000).toISOString(), initialStock: 1 } })
    expect(past.response.status).toBe(422)
    expect(past.error!.code).toBe('STARTS_IN_PAST')

    const stranger = await t.creator()
    const refused = await stranger.ld.POST('/v1/drops/{dropId}/cancel', { params: { path: { dropId } } })
    expect(refused.response.status).toBe(403)
    expect(refused.error!.code).toBe('FORBIDDEN')

    const listed: Drop[] = []
    for await (const d of t.sdk().paginate('/v1/drops', { params: { query: { creatorId: c.creatorId, status: 'scheduled' } } })) listed.push(d)
    expect(listed.map((d) => d.id)).toEqual([dropId])

    const cancelled = await c.ld.POST('/v1/drops/{dropId}/cancel', { params: { path: { dropId } } })
    expect(cancelled.data!.status).toBe('cancelled')
    const again = await c.ld.POST('/v1/drops/{dropId}/cancel', { params: { path: { dropId } } })
    expect(again.data!.status).toBe('cancelled')
  })
})

describe('orders through the SDK', () => {
  test('buy, read, list, cancel; stock follows; the audit holds', async () => {
    const { drop, ld: owner } = await liveDrop(5)
    const buyer = await t.user()
    const r = await buyer.ld.createOrder({ dropId: drop.id, quantity: 2 })
    expect(r.response.status).toBe(201)
    expect(r.data).toMatchObject({ dropId: drop.id, userId: buyer.userId, quantity: 2, unitPriceCents: 12_000, totalCents: 24_000, currency: 'EUR', status: 'confirmed' })
    const orderId = r.data!.id

    const got = await buyer.ld.GET('/v1/orders/{orderId}', { params: { path: { orderId } } })
    expect(got.data).toEqual(r.data!)
    const hidden = await owner.GET('/v1/orders/{orderId}', { params: { path: { orderId } } })
    expect(hidden.response.status).toBe(404)

    const second = await buyer.ld.createOrder({ dropId: drop.id, quantity: 1 })
    const mine: Order[] = []
    for await (const o of buyer.ld.paginate('/v1/me/orders', { params: { query: { limit: 1 } } })) mine.push(o)
    expect(mine.map((o) => o.id)).toEqual([second.data!.id, orderId])

    const cancelled = await buyer.ld.POST('/v1/orders/{orderId}/cancel', { params: { path: { orderId } } })
    expect(cancelled.data!.status).toBe('cancelled')
    const stock = await t.sdk().GET('/v1/drops/{dropId}', { params: { path: { dropId: drop.id } } })
    expect(stock.data!.availableStock).toBe(4)
    const audit = await owner.GET('/v1/drops/{dropId}/audit', { params: { path: { dropId: drop.id } } })
    expect(audit.data).toMatchObject({ initialStock: 5, availableStock: 4, confirmedQuantity: 1, invariantHolds: true })
  })

  test('SOLD_OUT is returned at once and not retried', async () => {
    const { drop } = await liveDrop(1)
    const buyer = await t.user()
    const from = t.requests.length
    const r = await buyer.ld.createOrder({ dropId: drop.id, quantity: 2 }, { baseDelayMs: 1 })
    expect(r.response.status).toBe(409)
    expect(r.error!.code).toBe('SOLD_OUT')
    expect(t.requests.slice(from).filter((q) => new URL(q.url).pathname === '/v1/orders')).toHaveLength(1)
  })

  test('lost response: the server took the order, the answer never arrived; the retry with the same key returns that order, once', async () => {
    const { drop } = await liveDrop(5)
    const buyer = await t.user()
    const keys: string[] = []
    let dropped = 0
    // A network that loses the first answer to POST /v1/orders after the server processed it.
    const lossy = async (req: Request) => {
      const isOrder = new URL(req.url).pathname === '/v1/orders'
      if (isOrder) keys.push(req.headers.get('idempotency-key')!)
      const res = await t.fetch(req)
      if (isOrder && dropped++ === 0) {
        await res.arrayBuffer()
        throw new TypeError('fetch failed: connection reset')
      }
      return res
    }
    const ld = t.sdk({ fetch: lossy, tokens: buyer.ld.tokens })
    const r = await ld.createOrder({ dropId: drop.id, quantity: 1 }, { baseDelayMs: 5 })
    expect(r.response.status).toBe(201)
    expect(r.response.headers.get('idempotent-replayed')).toBe('true')
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
    expect(r.idempotencyKey).toBe(keys[0])
    const rows = await ordersOf(buyer.userId, drop.id)
    expect(rows).toHaveLength(1)
    expect(r.data!.id).toBe(rows[0].id)
    const stock = await t.sdk().GET('/v1/drops/{dropId}', { params: { path: { dropId: drop.id } } })
    expect(stock.data!.availableStock).toBe(4)
  })

  test('a double click (two concurrent calls with one key) makes one order and both callers see it', async () => {
    const { drop } = await liveDrop(5)
    const buyer = await t.user()
    const key = crypto.randomUUID()
    const [a, b] = await Promise.all([
      buyer.ld.createOrder({ dropId: drop.id, quantity: 1 }, { idempotencyKey: key, baseDelayMs: 5 }),
      buyer.ld.createOrder({ dropId: drop.id, quantity: 1 }, { idempotencyKey: key, baseDelayMs: 5 }),
    ])
    expect([a.response.status, b.response.status]).toEqual([201, 201])
    expect(a.data!.id).toBe(b.data!.id)
    expect(await ordersOf(buyer.userId, drop.id)).toHaveLength(1)
  })
})
