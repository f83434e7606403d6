import { afterAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerCreator, registerUser, testConfig, type Api, type TestContext } from '../../test/helpers'

/**
 * Per-drop combining (orders/batch.ts) against the real database: what one shared transaction answers each
 * buyer, what it writes, and the races around it (go-live, endsAt, keys, sold out).
 */
const noOrderLimit = { rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } }
// A 150 ms window gathers requests sent a few ms apart into one batch, in the order they were sent.
const ctx = createTestContext({ ...noOrderLimit, orders: { batching: true, maxBatch: 500, batchWindowMs: 150 } })
const unbatched = createTestContext({ ...noOrderLimit, orders: { batching: false, maxBatch: 1, batchWindowMs: 0 } })
const { api, deps } = ctx
afterAll(() => Promise.all([ctx.close(), unbatched.close()]))

const order = (token: string, dropId: string, quantity = 1, key: string = crypto.randomUUID(), a: Api = api) =>
  a('POST', '/v1/orders', { token, body: { dropId, quantity }, headers: { 'idempotency-key': key } })

/** Sends the calls 10 ms apart (so their arrival order is known even on a loaded machine; 9 calls stay inside the 150 ms window) and waits for all. */
async function inOrder<T>(calls: Array<() => Promise<T>>): Promise<T[]> {
  const started: Promise<T>[] = []
  for (const c of calls) {
    started.push(c())
    await Bun.sleep(10)
  }
  return Promise.all(started)
}

const eventsOf = (dropId: string) =>
  deps.sql<{ type: string; userId: string | null; data: any }[]>`select type, user_id, data from outbox where drop_id = ${dropId} order by id`

describe('one batch, many buyers', () => {
  test('mixed batch: over-limit, replay, reused key, too-big quantity, later smaller orders — each its own answer, one commit', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 6, perUserLimit: 2, lowStockThreshold: 2 })
    const [a, b, c, d, e, f, g, h] = await Promise.all(Array.from({ length: 8 }, () => registerUser(api)))
    // Before the batch: a holds 1; c has an answered key.
    expect((await order(a.accessToken, drop.id, 1)).status).toBe(201)
    const cKey = crypto.randomUUID()
    const cFirst = await order(c.accessToken, drop.id, 1, cKey)
    expect(cFirst.status).toBe(201)
    const dKey = crypto.randomUUID()
    // Stock 4 left when the batch starts.
    const r = await inOrder([
      () => order(a.accessToken, drop.id, 2), // a would hold 3 > 2
      () => order(b.accessToken, drop.id, 2), // confirmed, 2 left (low stock crossed: 4 → 2)
      () => order(c.accessToken, drop.id, 1, cKey), // replay of c's first answer
      () => order(c.accessToken, drop.id, 2, cKey), // same key, other body
      () => order(d.accessToken, drop.id, 3, dKey), // only 2 left
      () => order(e.accessToken, drop.id, 1), // fits: 1 left
      () => order(f.accessToken, drop.id, 2), // only 1 left
      () => order(g.accessToken, drop.id, 1), // takes the last unit
      () => order(h.accessToken, drop.id, 1), // sold out
    ])
    expect(r.map((x) => x.body.code ?? x.status)).toEqual([
      'PURCHASE_LIMIT_EXCEEDED', 201, 201, 'IDEMPOTENCY_KEY_REUSED', 'SOLD_OUT', 201, 'SOLD_OUT', 201, 'SOLD_OUT',
    ])
    expect(r[2].text).toBe(cFirst.text)
    expect(r[2].headers.get('idempotent-replayed')).toBe('true')
    expect(r[4].body).toMatchObject({ availableStock: 2, detail: 'Only 2 left' })
    expect(r[6].body).toMatchObject({ availableStock: 1 })
    expect(r[8].body).toMatchObject({ availableStock: 0, detail: 'The drop is sold out' })
    // The four confirmed orders of the batch share one transaction (one commit).
    const ids = [r[1], r[5], r[7]].map((x) => x.body.id)
    const [{ txs }] = await deps.sql`select count(distinct xmin::text)::int as txs from orders where id = any(${ids}::uuid[])`
    expect(txs).toBe(1)
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 0, confirmedQuantity: 6, invariantHolds: true })
    // Events in the order they happened: low stock right after b's order, sold out right after g's, once each.
    const types = (await eventsOf(drop.id)).map((ev) => ev.type).filter((t) => t !== 'drop.live')
    expect(types).toEqual(['order.confirmed', 'order.confirmed', 'order.confirmed', 'drop.low_stock', 'order.confirmed', 'order.confirmed', 'drop.sold_out'])
    // Refusals are stored with their keys: a retry replays the same bytes.
    const again = await order(d.accessToken, drop.id, 3, dKey)
    expect(again.text).toBe(r[4].text)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
  })

  test('a drop that ends while the batch waits for its row: nothing confirmed after endsAt', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 10 })
    const buyers = await Promise.all(Array.from({ length: 5 }, () => registerUser(api)))
    await deps.sql`update drops set ends_at = clock_timestamp() + interval '250 milliseconds' where id = ${drop.id}`
    // Another transaction holds the row (locks it without changing it) past endsAt while the orders arrive.
    const blocker = deps.sql.begin(async (tx) => {
      await tx`select 1 from drops where id = ${drop.id} for update`
      await Bun.sleep(600)
    })
    await Bun.sleep(50)
    const r = await Promise.all(buyers.map((b) => order(b.accessToken, drop.id)))
    await blocker
    for (const x of r) {
      expect(x.status).toBe(409)
      expect(x.body).toMatchObject({ code: 'DROP_NOT_LIVE', dropStatus: 'ended' })
    }
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 10, confirmedQuantity: 0, invariantHolds: true })
  })
})

async function scheduledDrop(c: TestContext, initialStock: number) {
  const owner = await registerCreator(c.api)
  const product = await c.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Go-live item', priceCents: 900, currency: 'EUR' } })
  const drop = await c.api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock } })
  expect(drop.status).toBe(201)
  return { owner, drop: drop.body }
}

describe.each([['batched', ctx], ['one order per statement', unbatched]] as const)('go-live (%s)', (_name, c) => {
  test('orders racing the go-live second: no IDEMPOTENCY_KEY_IN_USE, refusals say "scheduled", the rest confirmed', async () => {
    const { owner, drop } = await scheduledDrop(c, 1000)
    const buyers = await Promise.all(Array.from({ length: 10 }, () => registerUser(c.api)))
    const answers: Array<{ status: number; body: any }> = []
    let stop = false
    const clickers = buyers.map(async (b) => {
      while (!stop) answers.push(await order(b.accessToken, drop.id, 1, crypto.randomUUID(), c.api))
    })
    await Bun.sleep(150)
    await c.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.id}`
    await c.deps.scheduler.tick()
    await Bun.sleep(150)
    stop = true
    await Promise.all(clickers)
    const codes = answers.map((a) => a.body.code ?? a.status)
    expect(codes).not.toContain('IDEMPOTENCY_KEY_IN_USE')
    expect(codes).toContain(201)
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body).toMatchObject({ code: 'DROP_NOT_LIVE', dropStatus: 'scheduled' })
    // Every key has its final answer stored: none is left leased.
    const [{ leased }] = await c.deps.sql`select count(*)::int as leased from idempotency_keys k join drop_purchases p on p.user_id = k.user_id where p.drop_id = ${drop.id} and k.response_status is null`
    expect(leased).toBe(0)
    const audit = await auditOf(c, drop.id, owner.accessToken)
    expect(audit.invariantHolds).toBe(true)
    expect(audit.confirmedQuantity).toBe(codes.filter((x) => x === 201).length)
  })
})

describe('sold out', () => {
  test('refusals after the sell-out leave the drop row untouched, are stored, and stop as soon as stock comes back', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 2 })
    const [a, b, ...rest] = await Promise.all(Array.from({ length: 12 }, () => registerUser(api)))
    const first = await order(a.accessToken, drop.id, 2)
    expect(first.status).toBe(201)
    const rowVersion = () => deps.sql`select xmin::text, xmax::text from drops where id = ${drop.id}`.then(([v]) => `${v.xmin}/${v.xmax}`)
    const before = await rowVersion()
    const keys = rest.map(() => crypto.randomUUID())
    const refused = await Promise.all(rest.map((u, i) => order(u.accessToken, drop.id, 1, keys[i])))
    for (const x of refused) expect(x.body).toMatchObject({ code: 'SOLD_OUT', availableStock: 0 })
    // Neither updated nor locked: xmin and xmax of the row are what the selling batch left.
    expect(await rowVersion()).toBe(before)
    const replay = await order(rest[0].accessToken, drop.id, 1, keys[0])
    expect(replay.text).toBe(refused[0].text)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    // A cancel returns the stock: the very next order is placed, not refused from stale knowledge.
    expect((await api('POST', `/v1/orders/${first.body.id}/cancel`, { token: a.accessToken })).status).toBe(200)
    expect((await order(b.accessToken, drop.id, 1)).status).toBe(201)
    expect(await auditOf(ctx, drop.id, owner.accessToken)).toMatchObject({ availableStock: 1, confirmedQuantity: 1, invariantHolds: true })
  })
})
