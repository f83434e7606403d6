import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createSql } from '../db'
import { createTestContext, liveDrop, testConfig } from '../../test/helpers'

// A short request deadline, so that a slow stream opening passes it.
const ctx = createTestContext({ requestTimeoutMs: 1500, rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { deps } = ctx
const blocker = createSql(testConfig().databaseUrl, { dbPoolMax: 1, dbStatementTimeoutMs: 10_000 })
beforeAll(() => deps.live.start())
afterAll(async () => {
  await blocker.end({ timeout: 2 })
  await ctx.close()
})

test('a stream whose opening passes the request deadline gets 503 and leaves no subscriber and no gauge behind', async () => {
  const { drop } = await liveDrop(ctx)
  const base = deps.live.subscriptions()
  // The opening's reads wait behind a lock held for longer than the deadline.
  let release!: () => void
  let locked!: () => void
  const isLocked = new Promise<void>((r) => (locked = r))
  const held = blocker.begin(async (tx) => {
    await tx`lock table outbox in access exclusive mode`
    locked()
    await new Promise<void>((r) => (release = r))
  })
  await isLocked
  const t0 = Date.now()
  const res = await ctx.app.handle(new Request(`http://localhost/v1/drops/${drop.id}/events`))
  expect(res.status).toBe(503)
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1400)
  expect((await res.json()).code).toBe('SERVICE_UNAVAILABLE')
  release()
  await held
  // The opening now completes, for nobody.
  const deadline = Date.now() + 3000
  while (deps.live.subscriptions() !== base && Date.now() < deadline) await Bun.sleep(20)
  await Bun.sleep(100)
  expect(deps.live.subscriptions()).toBe(base)
  expect(deps.live.streamKeys()).toBe(0)
  const gauge = await deps.metrics.registry.getSingleMetricAsString('livedrop_sse_connections')
  expect(gauge).toContain('livedrop_sse_connections{stream="drop"} 0')
})
