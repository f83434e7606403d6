import { afterAll, describe, expect, test } from 'bun:test'
import { createSql } from '../db'
import { createLogger } from '../logger'
import { createTestContext, registerCreator, testConfig } from '../../test/helpers'
import { createScheduler, type Scheduler } from './scheduler'

const ctx = createTestContext()
const extra: Array<{ end(): Promise<void> }> = []
const schedulers: Scheduler[] = []
afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()))
  await Promise.all(extra.map((s) => s.end()))
  await ctx.close()
})

describe('scheduler', () => {
  test('3 instances, 50 drops due in the same second → exactly 50 transitions, each recorded once, p99 lateness ≤ 1 s', async () => {
    const config = testConfig()
    for (let i = 0; i < 3; i++) {
      // Each instance has its own pool, as separate processes would.
      const sql = createSql(config.databaseUrl, { dbPoolMax: 4, dbStatementTimeoutMs: 5000 })
      extra.push({ end: () => sql.end({ timeout: 2 }) })
      const s = createScheduler({ sql, log: createLogger({ logLevel: 'silent' }), actor: `test-instance-${i}` })
      schedulers.push(s)
      await s.start()
    }
    const owner = await registerCreator(ctx.api)
    const product = await ctx.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Batch', priceCents: 100, currency: 'EUR' } })
    // All due within the same second, a moment from now: the schedulers are asleep and must wake for it.
    const due = Math.ceil((Date.now() + 2500) / 1000) * 1000
    const ids: string[] = []
    for (let i = 0; i < 50; i++) {
      const res = await ctx.api('POST', '/v1/drops', {
        token: owner.accessToken,
        body: { productId: product.body.id, startsAt: new Date(due + (i * 997) % 1000).toISOString(), initialStock: 5 },
      })
      expect(res.status).toBe(201)
      ids.push(res.body.id)
    }
    while (Date.now() < due + 2000) await Bun.sleep(100)

    const rows = await ctx.deps.sql`
      select drop_id, actor, extract(epoch from (at - due_at)) * 1000 as late_ms
      from drop_transitions where drop_id = any(${ids}::uuid[]) and to_status = 'live'`
    expect(rows.length).toBe(50)
    expect(new Set(rows.map((r: any) => r.dropId)).size).toBe(50)
    const late = rows.map((r: any) => Number(r.lateMs)).sort((a: number, b: number) => a - b)
    const p99 = late[Math.ceil(0.99 * late.length) - 1]
    console.error(`[scheduler] lateness ms: p50 ${late[25].toFixed(1)}, p99 ${p99.toFixed(1)}, max ${late[49].toFixed(1)}; actors ${[...new Set(rows.map((r: any) => r.actor))].join(', ')}`)
    expect(late[0]).toBeGreaterThanOrEqual(0)
    expect(p99).toBeLessThanOrEqual(1000)
    const [{ count }] = await ctx.deps.sql`select count(*)::int from drops where id = any(${ids}::uuid[]) and status = 'live'`
    expect(count).toBe(50)
    const events = await ctx.deps.sql`select drop_id from outbox where drop_id = any(${ids}::uuid[]) and type = 'drop.live'`
    expect(events.length).toBe(50)
    expect(new Set(events.map((e: any) => e.dropId)).size).toBe(50)
  }, 30_000)
})
