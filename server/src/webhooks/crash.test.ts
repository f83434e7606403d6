import { afterAll, expect, test } from 'bun:test'
import { createTestContext, liveDrop, registerUser, testConfig } from '../../test/helpers'
import { startServer, type ServerProcess } from '../../test/processes'
import { webhookReceiver, waitFor } from '../../test/receiver'

/**
 * A real server (bun server/src/main.ts) killed with SIGKILL while its request to the endpoint is in flight:
 * the claim it committed runs out, another instance claims the delivery again and sends it. Every event
 * arrives, the interrupted one a second time with the same event id, nothing a third time.
 */
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false }, webhooks: { ...testConfig().webhooks, allowHttpLoopback: true } })
const rx = webhookReceiver()
const servers: ServerProcess[] = []
const env = {
  WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOKS_TIMEOUT_MS: '4000', WEBHOOKS_BACKOFF_BASE_MS: '100', WEBHOOKS_BACKOFF_MAX_MS: '300',
  WEBHOOKS_POLL_MS: '20', RUN_SCHEDULER: 'false',
}
afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL')
  rx.stop()
  await ctx.close()
})

test('kill -9 mid-delivery loses nothing', async () => {
  const { owner, drop } = await liveDrop(ctx, { initialStock: 20 })
  const created = await ctx.api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url: rx.url('/crash'), events: ['order.confirmed'] } })
  expect(created.status).toBe(201)
  // The first request hangs: the instance sending it is killed while it waits.
  rx.plan('/crash', (n) => (n === 1 ? 'hang' : 'ok'))

  const buyers = await Promise.all([0, 1, 2, 3].map(() => registerUser(ctx.api)))
  const first = await startServer(3530, env)
  servers.push(first)
  const orders: string[] = []
  for (const buyer of buyers) {
    const res = await ctx.api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.id, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(res.status).toBe(201)
    orders.push(res.body.id)
  }
  await waitFor('the first request in flight', () => rx.at('/crash').length >= 1)
  expect(rx.at('/crash').length).toBe(1) // still hanging: nothing else is sent to the endpoint meanwhile
  await first.kill('SIGKILL')
  expect(first.proc.signalCode).toBe('SIGKILL')

  servers.push(await startServer(3531, env))
  await waitFor('every sale delivered', () => {
    const okIds = new Set(rx.at('/crash').filter((r) => r.answer === 'ok').map((r) => JSON.parse(r.body).data.order.id))
    return orders.every((id) => okIds.has(id))
  }, 20_000)
  await Bun.sleep(500)

  const got = rx.at('/crash')
  const perEvent = new Map<string, number>()
  for (const r of got) perEvent.set(r.headers.get('livedrop-event-id')!, (perEvent.get(r.headers.get('livedrop-event-id')!) ?? 0) + 1)
  // Four events; the interrupted one twice (same id), every other once.
  expect(perEvent.size).toBe(4)
  expect([...perEvent.values()].sort()).toEqual([1, 1, 1, 2])
  expect(perEvent.get(got[0].headers.get('livedrop-event-id')!)).toBe(2)
  const rows = await ctx.deps.sql<{ status: string }[]>`select status from webhook_deliveries where endpoint_id = ${created.body.id}`
  expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded'])
})
