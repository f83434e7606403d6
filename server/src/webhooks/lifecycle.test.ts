import { describe, expect, test } from 'bun:test'
import { verifyWebhook } from '@livedrop/sdk'
import { registerCreator, registerUser } from '../../test/helpers'
import { webhookWorld, waitFor } from '../../test/receiver'

/**
 * The rest of issue 17's promises against a real receiver on loopback, with the worker running as on a server:
 * the rotated-out secret stops signing when its grace ends; retries back off exponentially and stop, as
 * `failed`, when the (config-shortened) retry window is over; the delivery log pages; and an endpoint subscribed
 * to everything hears every event type of its own creator's drops and nothing of another creator's.
 */
const hooks = { timeoutMs: 5000, backoffBaseMs: 200, backoffMaxMs: 800, retryWindowSec: 3, disableAfterSec: 3600 }
const { api, deps, rx, ALL } = webhookWorld(hooks)

async function createHook(token: string, path: string, events = ALL) {
  const res = await api('POST', '/v1/webhooks', { token, body: { url: rx.url(path), events } })
  expect(res.status).toBe(201)
  return res.body as { id: string; secret: string }
}

async function goLive(token: string, body: Record<string, unknown>) {
  const product = await api('POST', '/v1/products', { token, body: { title: 'Lifecycle', priceCents: 700, currency: 'EUR' } })
  const drop = await api('POST', '/v1/drops', { token, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), ...body } })
  expect(drop.status).toBe(201)
  await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
  await deps.scheduler.tick()
  return drop.body.id as string
}

async function buy(dropId: string, quantity = 1) {
  const buyer = await registerUser(api)
  const res = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId, quantity }, headers: { 'idempotency-key': crypto.randomUUID() } })
  expect(res.status).toBe(201)
  return { buyer, order: res.body as { id: string } }
}

const ping = async (token: string, hookId: string) => (await api('POST', `/v1/webhooks/${hookId}/test`, { token })).body as { id: string; eventId: string }

describe('secrets, retries and the log', () => {
  test('after its 24 h grace the rotated-out secret no longer signs; the new one does', async () => {
    const owner = await registerCreator(api)
    const hook = await createHook(owner.accessToken, '/grace')
    const rotated = (await api('POST', `/v1/webhooks/${hook.id}/rotate-secret`, { token: owner.accessToken })).body
    await ping(owner.accessToken, hook.id)
    const [during] = await waitFor('the ping during the grace', () => rx.at('/grace').length >= 1 && rx.at('/grace'))
    expect(during.headers.get('livedrop-signature')!.match(/v1=/g)!.length).toBe(2)
    // The grace period is over (24 h later, in the database's clock).
    await deps.sql`update webhook_endpoints set previous_expires_at = now() - interval '1 second' where id = ${hook.id}`
    await ping(owner.accessToken, hook.id)
    const after = (await waitFor('the ping after the grace', () => rx.at('/grace').length >= 2 && rx.at('/grace')))[1]
    const signature = after.headers.get('livedrop-signature')!
    expect(signature.match(/v1=/g)!.length).toBe(1)
    expect((await verifyWebhook(after.body, signature, rotated.secret)).type).toBe('ping')
    await expect(verifyWebhook(after.body, signature, hook.secret)).rejects.toThrow('no v1 signature')
  })

  test('a receiver that keeps failing: attempts back off exponentially, then stop as failed when the retry window ends', async () => {
    const owner = await registerCreator(api)
    rx.plan('/down', () => 'fail')
    const hook = await createHook(owner.accessToken, '/down')
    const queued = await ping(owner.accessToken, hook.id)
    const [d] = await waitFor('the delivery failed for good', async () => {
      const items = (await api('GET', `/v1/webhooks/${hook.id}/deliveries`, { token: owner.accessToken })).body.items
      return items[0]?.status === 'failed' && items
    }, 20_000)
    expect(d).toMatchObject({ id: queued.id, status: 'failed', nextAttemptAt: null })
    const arrivals = rx.at('/down').map((r) => r.at)
    expect(arrivals.length).toBe(d.attempts)
    expect(d.attempts).toBeGreaterThanOrEqual(3)
    expect(d.log.map((a: { attempt: number; statusCode: number; error: string }) => [a.attempt, a.statusCode, a.error]))
      .toEqual(arrivals.map((_, i) => [i + 1, 500, 'HTTP 500']))
    // Each wait is at least half its step (equal jitter), the step doubling from the base up to the cap.
    for (let k = 1; k < arrivals.length; k++) {
      const step = Math.min(hooks.backoffMaxMs, hooks.backoffBaseMs * 2 ** (k - 1))
      expect({ attempt: k, waited: arrivals[k] - arrivals[k - 1] >= step / 2 }).toEqual({ attempt: k, waited: true })
    }
    // All within the window (3 s from the first attempt), and nothing after.
    expect(arrivals.at(-1)! - arrivals[0]).toBeLessThan(hooks.retryWindowSec * 1000 + hooks.backoffMaxMs)
    await Bun.sleep(hooks.backoffMaxMs + 300)
    expect(rx.at('/down').length).toBe(arrivals.length)
  })

  test('the delivery log pages newest first, each with its attempts (status code, latency, error)', async () => {
    const owner = await registerCreator(api)
    const hook = await createHook(owner.accessToken, '/pages')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await ping(owner.accessToken, hook.id)).id)
    await waitFor('three pings delivered', () => rx.at('/pages').length >= 3)
    await waitFor('all recorded', async () => (await deps.sql`select 1 from webhook_deliveries where endpoint_id = ${hook.id} and status = 'succeeded'`).length === 3)
    const first = await api('GET', `/v1/webhooks/${hook.id}/deliveries?limit=2`, { token: owner.accessToken })
    expect(first.status).toBe(200)
    expect(first.body.items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]])
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await api('GET', `/v1/webhooks/${hook.id}/deliveries?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: owner.accessToken })
    expect(second.body.items.map((d: { id: string }) => d.id)).toEqual([ids[0]])
    expect(second.body.nextCursor).toBeNull()
    for (const d of [...first.body.items, ...second.body.items]) {
      expect(d.log).toEqual([{ attempt: 1, statusCode: 200, latencyMs: expect.any(Number), error: null, at: expect.any(String) }])
    }
    const bad = await api('GET', `/v1/webhooks/${hook.id}/deliveries?cursor=not-a-cursor`, { token: owner.accessToken })
    expect(bad.status).toBe(400)
  })
})

describe('isolation between creators', () => {
  test('an endpoint subscribed to everything hears every event type of its own drops, and nothing of another creator\'s', async () => {
    const owner = await registerCreator(api)
    const stranger = await registerCreator(api)
    await createHook(owner.accessToken, '/own')
    await createHook(stranger.accessToken, '/theirs')

    // One drop through live, low stock, sold out and a cancelled order; one that ends; one that is cancelled.
    const sold = await goLive(owner.accessToken, { initialStock: 2, lowStockThreshold: 1 })
    await buy(sold)
    const last = await buy(sold)
    expect((await api('POST', `/v1/orders/${last.order.id}/cancel`, { token: last.buyer.accessToken })).status).toBe(200)
    const ending = await goLive(owner.accessToken, { initialStock: 1 })
    await deps.sql`update drops set ends_at = now() + interval '100 milliseconds' where id = ${ending}`
    await Bun.sleep(200)
    await deps.scheduler.tick()
    const cancelled = await goLive(owner.accessToken, { initialStock: 1 })
    expect((await api('POST', `/v1/drops/${cancelled}/cancel`, { token: owner.accessToken })).status).toBe(200)
    // The stranger's endpoint works: it hears the stranger's own sale.
    const theirs = await goLive(stranger.accessToken, { initialStock: 5 })
    await buy(theirs)

    const own = await waitFor('every type at the owner\'s endpoint', () => {
      const types = new Set(rx.at('/own').map((r) => r.headers.get('livedrop-event-type')))
      return ALL.every((t) => types.has(t)) && rx.at('/own')
    }, 20_000)
    await waitFor('the stranger\'s own sale', () => rx.at('/theirs').some((r) => r.headers.get('livedrop-event-type') === 'order.confirmed'), 20_000)
    await Bun.sleep(500) // anything misrouted would have arrived by now
    const ownDrops = new Set([sold, ending, cancelled])
    for (const r of own) {
      const e = JSON.parse(r.body)
      expect({ creatorId: e.creatorId, ownDrop: ownDrops.has(e.dropId) }).toEqual({ creatorId: owner.creator.id, ownDrop: true })
    }
    for (const r of rx.at('/theirs')) {
      const e = JSON.parse(r.body)
      expect({ creatorId: e.creatorId, dropId: e.dropId }).toEqual({ creatorId: stranger.creator.id, dropId: theirs })
    }
    const ownIds = own.map((r) => r.headers.get('livedrop-event-id'))
    expect(new Set(ownIds).size).toBe(ownIds.length) // each event once
  })
})
