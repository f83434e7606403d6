import { afterAll, expect, test } from 'bun:test'
import pino from 'pino'
import { createTestContext, liveDrop, registerUser, testConfig } from '../../test/helpers'
import { untilNumbered } from '../../test/sse'
import { webhookReceiver, waitFor } from '../../test/receiver'
import { createMemoryPubSub } from '../lib/pubsub'
import { createRelay } from '../events/relay'
import * as eventsRepo from '../events/repo'

/**
 * Outbox pruning waits for every consumer, the webhook fan-out included. Nothing runs in the background here:
 * the relay, the notifier and the webhook worker are driven by hand, so the webhook cursor can be held behind
 * while the notifier is done and pruning runs. (On the old prune, which waited for the notifier only, the first
 * sale's event was deleted before the fan-out read it, and the endpoint never heard of that sale.)
 */
const ctx = createTestContext({
  rateLimit: { ...testConfig().rateLimit, enabled: false },
  webhooks: { ...testConfig().webhooks, allowHttpLoopback: true, backoffBaseMs: 100, backoffMaxMs: 300, pollMs: 20 },
})
const { api, deps } = ctx
const rx = webhookReceiver()
afterAll(async () => {
  rx.stop()
  await ctx.close()
})

const cursor = async (name: string) => (await deps.sql<{ seq: number }[]>`select seq::float8 as seq from outbox_cursors where name = ${name}`)[0].seq
const drain = async (tick: () => Promise<number>) => {
  while ((await tick()) > 0);
}

test('an event the webhook fan-out has not read survives pruning and is still delivered; the lag is visible', async () => {
  const { owner, drop } = await liveDrop(ctx, { initialStock: 10 })
  const hook = await api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url: rx.url('/pruned'), events: ['order.confirmed'] } })
  expect(hook.status).toBe(201)
  await untilNumbered(deps)
  await drain(deps.webhookWorker.fanOutTick) // the fan-out is at the head before the sales

  const orders: string[] = []
  for (const buyer of await Promise.all([registerUser(api), registerUser(api)])) {
    const res = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.id, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(res.status).toBe(201)
    orders.push(res.body.id)
  }
  await untilNumbered(deps)
  const seqs = (await deps.sql<{ seq: number }[]>`
    select seq::float8 as seq from outbox where type = 'order.confirmed' and data->'order'->>'id' = any(${orders}::text[]) order by seq`).map((r) => r.seq)
  expect(seqs.length).toBe(2)
  // The notifier is past both sales; the webhook fan-out is not. Both events are older than the window.
  await drain(deps.live.notifierTick)
  expect(await cursor('notified')).toBeGreaterThanOrEqual(seqs[1])
  expect(await cursor('webhooks')).toBeLessThan(seqs[0])
  await deps.sql`update outbox set created_at = now() - interval '2 hours' where seq <= ${seqs[1]}`

  // The lag shows on /metrics and in the relay's log while the consumer is behind the window.
  const metrics = await (await ctx.app.handle(new Request('http://localhost/metrics'))).text()
  const lagEvents = Number(/^livedrop_outbox_consumer_lag_events\{consumer="webhooks"\} (\d+)$/m.exec(metrics)?.[1])
  const lagSeconds = Number(/^livedrop_outbox_consumer_lag_seconds\{consumer="webhooks"\} ([\d.e+]+)$/m.exec(metrics)?.[1])
  expect(lagEvents).toBeGreaterThanOrEqual(2)
  expect(lagSeconds).toBeGreaterThan(3600)
  const warnings: Array<Record<string, unknown>> = []
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) })
  const relay = createRelay({ sql: deps.sql, pubsub: createMemoryPubSub(log), channel: 'prune-test', log, retentionSec: 3600 })
  await relay.warnOfStuckConsumers()
  expect(warnings.find((w) => w.consumer === 'webhooks')).toMatchObject({ level: 40, lagEvents: expect.any(Number), lagSeconds: expect.any(Number) })

  await eventsRepo.prune(deps.sql, 3600)
  const kept = await deps.sql<{ seq: number }[]>`select seq::float8 as seq from outbox where seq = any(${seqs}::bigint[]) order by seq`
  expect(kept.map((r) => r.seq)).toEqual(seqs)

  // The fan-out catches up and both sales reach the endpoint.
  await drain(deps.webhookWorker.fanOutTick)
  await waitFor('both sales at the endpoint', async () => {
    await deps.webhookWorker.dispatchTick()
    await deps.webhookWorker.idle()
    return rx.at('/pruned').length >= 2
  }, 20_000)
  expect(rx.at('/pruned').map((r) => JSON.parse(r.body).data.order.id).sort()).toEqual([...orders].sort())

  // Once every consumer is past them, the same prune takes them (everything but the newest row).
  await eventsRepo.prune(deps.sql, 3600)
  expect((await deps.sql`select seq from outbox where seq = ${seqs[0]}`).length).toBe(0)
})
