import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerUser, testConfig } from '../../test/helpers'
import { readSse } from '../../test/sse'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
beforeAll(() => deps.live.start())
afterAll(() => ctx.close())

const order = (token: string, dropId: string, quantity = 1) =>
  api('POST', '/v1/orders', { token, body: { dropId, quantity }, headers: { 'idempotency-key': crypto.randomUUID() } })

const stream = async (path: string, headers: Record<string, string> = {}) => {
  const s = await readSse(await ctx.app.handle(new Request(`http://localhost${path}`, { headers })), path)
  expect((await s.next()).event).toBe('state')
  return s
}

describe('cancelling a live drop', () => {
  test('cancels its confirmed orders in the same transaction, tells the buyers, keeps the ledger; a second cancel changes nothing', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 20 })
    const alice = await registerUser(api)
    const bob = await registerUser(api)
    const a1 = await order(alice.accessToken, drop.id, 2)
    const a2 = await order(alice.accessToken, drop.id, 1)
    const b1 = await order(bob.accessToken, drop.id, 3)
    for (const o of [a1, a2, b1]) expect(o.status).toBe(201)
    // Bob changed his mind already: his own cancellation stays as it is (one stock return, not two).
    const b2 = await order(bob.accessToken, drop.id, 1)
    expect((await api('POST', `/v1/orders/${b2.body.id}/cancel`, { token: bob.accessToken })).status).toBe(200)
    expect((await auditOf(ctx, drop.id, owner.accessToken)).availableStock).toBe(14)

    // Everything so far numbered, so the streams below start after it.
    for (;;) {
      await deps.live.relayTick()
      const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from outbox where seq is null`
      if (n === 0) break
      await Bun.sleep(20)
    }
    const aliceStream = await stream('/v1/me/events', { authorization: `Bearer ${alice.accessToken}` })
    const dropStream = await stream(`/v1/drops/${drop.id}/events`)

    const res = await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'cancelled', availableStock: 20, initialStock: 20 })

    for (const [o, token] of [[a1, alice], [a2, alice], [b1, bob]] as const) {
      const got = await api('GET', `/v1/orders/${o.body.id}`, { token: token.accessToken })
      expect(got.body.status).toBe('cancelled')
      expect(got.body.cancelledAt).toBeTruthy()
    }
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit).toMatchObject({ initialStock: 20, availableStock: 20, confirmedQuantity: 0, sold: 7, cancelled: 7, ledgerSum: 20, invariantHolds: true })
    const ledger = await deps.sql<{ orderId: string }[]>`select order_id from stock_ledger where drop_id = ${drop.id} and kind = 'cancel' order by id`
    expect(ledger.map((r) => r.orderId).sort()).toEqual([a1.body.id, a2.body.id, b1.body.id, b2.body.id].sort())
    const held = await deps.sql<{ quantity: number }[]>`select quantity from drop_purchases where drop_id = ${drop.id}`
    expect(held.map((r) => r.quantity)).toEqual([0, 0])

    // Alice hears about both her orders, with the reason; the drop stream gets the stock back, then drop.cancelled.
    const mine = await aliceStream.collect((_, all) => all.length === 2)
    expect(mine.map((e) => e.event)).toEqual(['order.cancelled', 'order.cancelled'])
    expect(mine.map((e) => e.data.data.order.id).sort()).toEqual([a1.body.id, a2.body.id].sort())
    for (const e of mine) expect(e.data.data).toMatchObject({ reason: 'drop_cancelled', availableStock: 20, order: { status: 'cancelled' } })
    const onDrop = await dropStream.collect((e) => e.event === 'drop.cancelled')
    expect(onDrop.at(-1)!.data.data).toMatchObject({ status: 'cancelled', availableStock: 20 })
    const stock = onDrop.slice(0, -1)
    expect(stock.length).toBeGreaterThan(0)
    expect(stock.every((e) => e.event === 'drop.stock')).toBe(true)
    expect(stock.at(-1)!.data.data.availableStock).toBe(20)

    // Stored notifications: one per cancelled order, for its buyer. The background notifier runs too (started
    // above) and holds the cursor while it works (a tick here then returns 0 at once): wait for its commit.
    let bobCancelled: any[] = []
    for (const until = Date.now() + 5000; Date.now() < until; await Bun.sleep(50)) {
      await deps.live.notifierTick()
      const notes = await api('GET', '/v1/me/notifications', { token: bob.accessToken })
      bobCancelled = notes.body.items.filter((n: any) => n.type === 'order.cancelled' && n.data.reason === 'drop_cancelled')
      if (bobCancelled.length) break
    }
    expect(bobCancelled.map((n: any) => n.data.order.id)).toEqual([b1.body.id])

    // Idempotent: the same answer, and nothing new anywhere.
    const count = async () => {
      const [r] = await deps.sql<{ ledger: number; events: number }[]>`
        select (select count(*) from stock_ledger where drop_id = ${drop.id})::int as ledger,
               (select count(*) from outbox where drop_id = ${drop.id})::int as events`
      return r
    }
    const before = await count()
    const again = await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ status: 'cancelled', availableStock: 20 })
    expect(await count()).toEqual(before)
    expect((await auditOf(ctx, drop.id, owner.accessToken)).invariantHolds).toBe(true)
    // And nobody can buy from it any more.
    expect((await order(alice.accessToken, drop.id)).body.code).toBe('DROP_NOT_LIVE')
    await Promise.all([aliceStream.close(), dropStream.close()])
  })

  test('orders racing the cancellation: every one is either refused or cancelled, and the invariant holds', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 500 })
    const buyers = await Promise.all(Array.from({ length: 10 }, () => registerUser(api)))
    const placed = buyers.flatMap((b) => Array.from({ length: 4 }, () => order(b.accessToken, drop.id)))
    await Bun.sleep(5)
    const cancel = api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    const results = await Promise.all(placed)
    expect((await cancel).status).toBe(200)
    for (const r of results) expect([201, 409]).toContain(r.status)
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit).toMatchObject({ availableStock: 500, confirmedQuantity: 0, invariantHolds: true })
    expect(audit.sold).toBe(results.filter((r) => r.status === 201).length)
  })
})
