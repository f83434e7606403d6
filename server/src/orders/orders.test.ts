import { afterAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerUser, testConfig, type Api } from '../../test/helpers'

// These tests are about order semantics, with bursts far past the per-user order rate limit (tested on its own).
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
const { api, deps } = ctx
afterAll(() => ctx.close())

const order = (token: string, dropId: string, quantity = 1, key: string = crypto.randomUUID(), a: Api = api) =>
  a('POST', '/v1/orders', { token, body: { dropId, quantity }, headers: { 'idempotency-key': key } })

describe('placing orders', () => {
  test('a confirmed order: 201, price from the drop, ledger row, stock down, owner-only read', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 5, priceCents: 2500 })
    const buyer = await registerUser(api)
    const res = await order(buyer.accessToken, drop.id, 2)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ dropId: drop.id, userId: buyer.user.id, quantity: 2, unitPriceCents: 2500, totalCents: 5000, currency: 'EUR', status: 'confirmed', cancelledAt: null })
    expect(res.headers.get('idempotent-replayed')).toBeNull()
    expect((await api('GET', `/v1/drops/${drop.id}`)).body.availableStock).toBe(3)
    const mine = await api('GET', `/v1/orders/${res.body.id}`, { token: buyer.accessToken })
    expect(mine.body).toEqual(res.body)
    const stranger = await registerUser(api)
    const hidden = await api('GET', `/v1/orders/${res.body.id}`, { token: stranger.accessToken })
    expect(hidden.status).toBe(404)
    expect((await api('POST', `/v1/orders/${res.body.id}/cancel`, { token: stranger.accessToken })).status).toBe(404)
    const list = await api('GET', '/v1/me/orders', { token: buyer.accessToken })
    expect(list.body.items.map((o: any) => o.id)).toEqual([res.body.id])
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ initialStock: 5, availableStock: 3, sold: 2, confirmedQuantity: 2, ledgerSum: 3, invariantHolds: true })
  })

  test('refusals: SOLD_OUT, DROP_NOT_LIVE (scheduled, ended, past endsAt), 404 unknown drop', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 1 })
    const buyer = await registerUser(api)
    expect((await order(buyer.accessToken, drop.id, 2)).body.code).toBe('SOLD_OUT')
    expect((await order(buyer.accessToken, drop.id, 1)).status).toBe(201)
    const soldOut = await order(buyer.accessToken, drop.id, 1)
    expect(soldOut.status).toBe(409)
    expect(soldOut.body.code).toBe('SOLD_OUT')

    const other = await liveDrop(ctx, { initialStock: 5 })
    await deps.sql`update drops set status = 'scheduled', starts_at = now() + interval '1 hour' where id = ${other.drop.id}`
    const notLive = await order(buyer.accessToken, other.drop.id)
    expect(notLive.status).toBe(409)
    expect(notLive.body.code).toBe('DROP_NOT_LIVE')
    await deps.sql`update drops set status = 'live', starts_at = now() - interval '1 hour', ends_at = now() - interval '1 second' where id = ${other.drop.id}`
    expect((await order(buyer.accessToken, other.drop.id)).body.code).toBe('DROP_NOT_LIVE')
    const missing = await order(buyer.accessToken, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')
    expect(missing.status).toBe(404)
    const [row] = await deps.sql`select available_stock from drops where id = ${other.drop.id}`
    expect(row.availableStock).toBe(5)
  })

  test('bad input → precise 4xx problem, stock untouched', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 5 })
    const buyer = await registerUser(api)
    const bodies: Array<[unknown, string]> = [
      [{ dropId: drop.id, quantity: 0 }, '/quantity'],
      [{ dropId: drop.id, quantity: -1 }, '/quantity'],
      [{ dropId: drop.id, quantity: 1.5 }, '/quantity'],
      [{ dropId: drop.id, quantity: '1' }, '/quantity'],
      [{ dropId: drop.id, quantity: 1e12 }, '/quantity'],
      [{ dropId: 'not-a-uuid', quantity: 1 }, '/dropId'],
      [{ dropId: drop.id }, '/quantity'],
      [{ dropId: drop.id, quantity: 1, status: 'confirmed' }, '/status'],
      [{ dropId: drop.id, quantity: 1, unitPriceCents: 0 }, '/unitPriceCents'],
    ]
    for (const [body, field] of bodies) {
      const res = await api('POST', '/v1/orders', { token: buyer.accessToken, body, headers: { 'idempotency-key': crypto.randomUUID() } })
      expect(res.status).toBe(422)
      expect(res.body.errors.map((e: any) => e.field)).toContain(field)
    }
    const noKey = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.id, quantity: 1 } })
    expect(noKey.status).toBe(400)
    expect(noKey.body.code).toBe('IDEMPOTENCY_KEY_MISSING')
    const longKey = await order(buyer.accessToken, drop.id, 1, 'k'.repeat(256))
    expect(longKey.status).toBe(400)
    expect(longKey.body.code).toBe('INVALID_PARAMETER')
    expect((await api('GET', '/v1/orders/not-a-uuid', { token: buyer.accessToken })).status).toBe(400)
    const [row] = await deps.sql`select available_stock from drops where id = ${drop.id}`
    expect(row.availableStock).toBe(5)
    const [{ count }] = await deps.sql`select count(*)::int from idempotency_keys where user_id = ${buyer.user.id}`
    expect(count).toBe(0)
  })

  test('cancel returns the stock in the same transaction, once (idempotent)', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 3 })
    const buyer = await registerUser(api)
    const placed = await order(buyer.accessToken, drop.id, 2)
    const c1 = await api('POST', `/v1/orders/${placed.body.id}/cancel`, { token: buyer.accessToken })
    expect(c1.status).toBe(200)
    expect(c1.body.status).toBe('cancelled')
    expect(c1.body.cancelledAt).not.toBeNull()
    const c2 = await api('POST', `/v1/orders/${placed.body.id}/cancel`, { token: buyer.accessToken })
    expect(c2.body).toEqual(c1.body)
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 3, sold: 2, cancelled: 2, confirmedQuantity: 0, ledgerSum: 3, invariantHolds: true })
    const types = await deps.sql`select type from outbox where user_id = ${buyer.user.id} order by id`
    expect(types.map((t: any) => t.type)).toEqual(['order.confirmed', 'order.cancelled'])
  })

  test('low_stock fires once when crossing the threshold, sold_out once at zero', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 6, lowStockThreshold: 3 })
    const buyer = await registerUser(api)
    const stockOuts = async () => (await deps.metrics.stockOuts.get()).values[0]?.value ?? 0
    const before = await stockOuts()
    for (const q of [2, 1, 1, 1, 1]) expect((await order(buyer.accessToken, drop.id, q)).status).toBe(201)
    expect(await stockOuts()).toBe(before + 1)
    const events = await deps.sql`select type, data from outbox where drop_id = ${drop.id} and type in ('drop.low_stock', 'drop.sold_out') order by id`
    expect(events.map((e: any) => [e.type, e.data.availableStock])).toEqual([['drop.low_stock', 3], ['drop.sold_out', 0]])
  })
})

describe('concurrency', () => {
  test('500 concurrent orders from 50 users on stock 100 → exactly 100 confirmed, 400 SOLD_OUT, no 5xx, invariant holds', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 100 })
    const buyers = await Promise.all(Array.from({ length: 50 }, () => registerUser(api)))
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => order(buyers[i % 50].accessToken, drop.id)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 201).length).toBe(100)
    expect(results.filter((r) => r.status === 409 && r.body.code === 'SOLD_OUT').length).toBe(400)
    expect(statuses.some((s) => s >= 500)).toBe(false)
    const [{ count }] = await deps.sql`select count(*)::int from orders where drop_id = ${drop.id} and status = 'confirmed'`
    expect(count).toBe(100)
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 0, sold: 100, confirmedQuantity: 100, ledgerSum: 0, invariantHolds: true })
    const soldOut = await deps.sql`select count(*)::int from outbox where drop_id = ${drop.id} and type = 'drop.sold_out'`
    expect(soldOut[0].count).toBe(1)
  })

  test('perUserLimit 2: 12 parallel orders from one user with different keys → exactly 2 confirmed', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 50, perUserLimit: 2 })
    const buyer = await registerUser(api)
    const results = await Promise.all(Array.from({ length: 12 }, () => order(buyer.accessToken, drop.id)))
    expect(results.filter((r) => r.status === 201).length).toBe(2)
    expect(results.filter((r) => r.status === 409 && r.body.code === 'PURCHASE_LIMIT_EXCEEDED').length).toBe(10)
    // The limit counts over all the buyer's confirmed orders: after a cancel there is room for one more.
    const confirmed = results.find((r) => r.status === 201)!
    await api('POST', `/v1/orders/${confirmed.body.id}/cancel`, { token: buyer.accessToken })
    expect((await order(buyer.accessToken, drop.id)).status).toBe(201)
    expect((await order(buyer.accessToken, drop.id)).body.code).toBe('PURCHASE_LIMIT_EXCEEDED')
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 48, confirmedQuantity: 2, invariantHolds: true })
  })

  test('20 parallel requests with one key → one order; sequential retry replays byte-for-byte; another body → 422', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 10 })
    const buyer = await registerUser(api)
    const key = crypto.randomUUID()
    const results = await Promise.all(Array.from({ length: 20 }, () => order(buyer.accessToken, drop.id, 1, key)))
    const created = results.filter((r) => r.status === 201)
    expect(created.length).toBeGreaterThanOrEqual(1)
    for (const r of results) {
      if (r.status === 201) continue
      expect(r.status).toBe(409)
      expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_USE')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    // Concurrent duplicates that arrived after the first finished are replays of it.
    expect(new Set(created.map((r) => r.text)).size).toBe(1)
    const [{ count }] = await deps.sql`select count(*)::int from orders where user_id = ${buyer.user.id}`
    expect(count).toBe(1)
    const retry = await order(buyer.accessToken, drop.id, 1, key)
    expect(retry.status).toBe(201)
    expect(retry.text).toBe(created[0].text)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    const other = await order(buyer.accessToken, drop.id, 2, key)
    expect(other.status).toBe(422)
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED')
    // Keys are per user: somebody else may use the same key for their own purchase.
    const buyer2 = await registerUser(api)
    expect((await order(buyer2.accessToken, drop.id, 1, key)).headers.get('idempotent-replayed')).toBeNull()
  })

  test('refusals replay too: a retried SOLD_OUT stays SOLD_OUT even after stock comes back', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 1 })
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)])
    const first = await order(a.accessToken, drop.id)
    const key = crypto.randomUUID()
    const refused = await order(b.accessToken, drop.id, 1, key)
    expect(refused.body.code).toBe('SOLD_OUT')
    await api('POST', `/v1/orders/${first.body.id}/cancel`, { token: a.accessToken })
    const replay = await order(b.accessToken, drop.id, 1, key)
    expect(replay.status).toBe(409)
    expect(replay.text).toBe(refused.text)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.headers.get('content-type')).toStartWith('application/problem+json')
  })

  test('a key whose request died mid-way is taken over once its lease runs out', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 5 })
    const buyer = await registerUser(api)
    const key = crypto.randomUUID()
    // What a crash leaves behind: a claimed key, no answer, a lease that has run out.
    const fp = new Bun.CryptoHasher('sha256').update(`POST /v1/orders\n${JSON.stringify({ dropId: drop.id, quantity: 1 })}`).digest()
    await deps.sql`insert into idempotency_keys (user_id, key, fingerprint, lease, locked_until) values (${buyer.user.id}, ${key}, ${fp}, ${crypto.randomUUID()}, now() + interval '1 second')`
    const busy = await order(buyer.accessToken, drop.id, 1, key)
    expect(busy.body.code).toBe('IDEMPOTENCY_KEY_IN_USE')
    await Bun.sleep(1100)
    const taken = await order(buyer.accessToken, drop.id, 1, key)
    expect(taken.status).toBe(201)
    const [{ count }] = await deps.sql`select count(*)::int from orders where user_id = ${buyer.user.id}`
    expect(count).toBe(1)
  })
})
