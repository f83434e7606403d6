import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, liveDrop, testConfig } from '../../test/helpers'
import { openStream, untilNumbered } from '../../test/sse'
import { appendEvent } from '../platform/outbox'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { deps } = ctx
beforeAll(() => deps.live.start())
afterAll(() => ctx.close())

const open = (path: string, headers: Record<string, string> = {}) => openStream(ctx, path, headers)

const numbered = () => untilNumbered(deps)

describe('reconnecting', () => {
  test('a drop-stream client behind by 1,500 orders on a hot drop gets the drop events and one stock value, in order, not a reset', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 2000 })
    await numbered()
    const s = await open(`/v1/drops/${drop.id}/events`)
    const state = await s.next()
    await s.close()
    // While away: 700 orders, the low-stock crossing, 800 more orders (stock events appended as the order statement does).
    const orders = (from: number, n: number) => deps.sql`
      insert into outbox (type, drop_id, data)
      select 'order.confirmed', ${drop.id}, jsonb_build_object('availableStock', ${from}::int - g) from generate_series(1, ${n}) g`
    await orders(2000, 700)
    await deps.sql.begin((tx) => appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 1300, lowStockThreshold: 1300 } }))
    await numbered()
    await orders(1300, 800)
    await numbered()

    const again = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': state.id! })
    const got = await again.collect((e) => e.event === 'drop.stock')
    expect(got.map((e) => e.event)).toEqual(['drop.low_stock', 'drop.stock'])
    expect(got[1].data.data.availableStock).toBe(500)
    const [{ last }] = await deps.sql<{ last: string }[]>`select max(seq)::text as last from outbox where drop_id = ${drop.id} and type = 'order.confirmed'`
    expect(got[1].id).toBe(last)
    expect(Number(got[0].id)).toBeLessThan(Number(got[1].id))
    expect(await again.drain(300)).toEqual([])
    await again.close()
  })

  test('draining gives every stream its own retry: spread out, not all 2 s', async () => {
    const { drop } = await liveDrop(ctx)
    const streams = await Promise.all(Array.from({ length: 20 }, () => open(`/v1/drops/${drop.id}/events`)))
    await Promise.all(streams.map((s) => s.next()))
    expect(streams.every((s) => s.retry === 2000)).toBe(true)
    deps.live.closeStreams()
    await Promise.all(streams.map((s) => s.drain(50)))
    const hints = streams.map((s) => s.retry!).sort((a, b) => a - b)
    expect(hints[0]).toBeGreaterThanOrEqual(1000)
    expect(hints.at(-1)!).toBeLessThanOrEqual(6000)
    expect(hints.at(-1)! - hints[0]).toBeGreaterThan(1000)
    expect(deps.live.subscriptions()).toBe(0)
  })
})
