import { describe, expect, test } from 'bun:test'
import { registerCreator, registerUser } from '../../test/helpers'
import { openStream, untilNumbered, type SseEvent } from '../../test/sse'
import { webhookWorld, waitFor } from '../../test/receiver'

/**
 * GET /v1/webhooks/events, the stream `livedrop listen` forwards: the creator's own webhook events, each the very
 * body a webhook delivery carries, resumable with Last-Event-ID. Every event read is checked against the
 * contract (openStream). The relay and the webhook worker run as on a server.
 */
const { ctx, api, deps, rx, ALL } = webhookWorld()

const stream = (token: string, headers: Record<string, string> = {}) => openStream(ctx, '/v1/webhooks/events', { authorization: `Bearer ${token}`, ...headers })

/** A drop of the creator, scheduled now and moved live by the scheduler. */
async function goLive(token: string, opts: { initialStock: number; lowStockThreshold?: number }) {
  const product = await api('POST', '/v1/products', { token, body: { title: 'Stream item', priceCents: 900, currency: 'EUR' } })
  const drop = await api('POST', '/v1/drops', {
    token, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), ...opts },
  })
  expect(drop.status).toBe(201)
  await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
  await deps.scheduler.tick()
  return drop.body as { id: string }
}

async function buy(dropId: string, quantity = 1) {
  const buyer = await registerUser(api)
  const res = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId, quantity }, headers: { 'idempotency-key': crypto.randomUUID() } })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

describe('the webhook event stream', () => {
  test('the creator\'s own events only, each exactly the body its webhook delivery carries; resumes without loss or repeat', async () => {
    const owner = await registerCreator(api)
    const stranger = await registerCreator(api)
    const s = await stream(owner.accessToken)
    expect(s.status).toBe(200)
    const state = await s.next()
    expect(state).toMatchObject({ event: 'state', data: { type: 'state', data: { creatorId: owner.creator.id } } })
    const theirs = await stream(stranger.accessToken)
    expect((await theirs.next()).event).toBe('state')

    // A drop created after the stream opened: its orders (which name the buyer, not the creator) still arrive.
    const drop = await goLive(owner.accessToken, { initialStock: 3, lowStockThreshold: 1 })
    const hook = await api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url: rx.url('/same'), events: ALL } })
    const other = await goLive(stranger.accessToken, { initialStock: 5 })
    await buy(other.id)
    const first = await buy(drop.id, 2) // → order.confirmed, drop.low_stock
    await buy(drop.id, 1) // → order.confirmed, drop.sold_out
    const got = await s.collect((e) => e.event === 'drop.sold_out')
    expect(got.map((e) => e.event)).toEqual(['drop.live', 'order.confirmed', 'drop.low_stock', 'order.confirmed', 'drop.sold_out'])
    for (const e of got) {
      expect(e.data).toMatchObject({ id: `evt_${e.id}`, type: e.event, creatorId: owner.creator.id, dropId: drop.id })
      expect(e.event).not.toBe('drop.stock')
    }
    expect(got[1].data.data.order).toMatchObject({ id: first.id, quantity: 2 })

    // The deliveries of the same events (registered after drop.live, so from the first order on) carry the same JSON.
    await waitFor('the deliveries', async () => (await deps.sql`select 1 from webhook_deliveries where endpoint_id = ${hook.body.id}`).length >= 4)
    const bodies = new Map((await deps.sql<{ eventId: string; body: string }[]>`
      select event_id, body from webhook_deliveries where endpoint_id = ${hook.body.id}`).map((r) => [r.eventId, JSON.parse(r.body)]))
    for (const e of got.slice(1)) expect(e.data).toEqual(bodies.get(e.data.id))

    // The stranger's stream saw their own drop's events and nothing of the owner's.
    const strangers = await theirs.collect((e) => e.event === 'order.confirmed')
    expect(strangers.every((e: SseEvent) => e.data.creatorId === stranger.creator.id && e.data.dropId === other.id)).toBe(true)
    expect(await theirs.drain(300)).toEqual([])
    await theirs.close()

    // Resuming after the first order: the rest, in order, nothing twice (the replay reads the outbox).
    await s.close()
    const cancel = await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(cancel.status).toBe(200)
    await untilNumbered(deps)
    const resumed = await stream(owner.accessToken, { 'last-event-id': got[1].id! })
    const rest = await resumed.collect((e) => e.event === 'drop.cancelled')
    expect(rest.map((e) => e.event)).toEqual(['drop.low_stock', 'order.confirmed', 'drop.sold_out', 'order.cancelled', 'order.cancelled', 'drop.cancelled'])
    expect(rest.slice(0, 3).map((e) => e.data)).toEqual(got.slice(2).map((e) => e.data))
    const ids = rest.map((e) => Number(e.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(rest[3].data.data).toMatchObject({ reason: 'drop_cancelled' })
    expect(await resumed.drain(300)).toEqual([])
    await resumed.close()
    await waitFor('no creator left in memory', () => deps.live.watchedCreators() === 0)
  })

  test('creators only (403 NOT_A_CREATOR), authenticated (401); a ticket opens it too; log-out closes it', async () => {
    const plain = await registerUser(api)
    const refused = await api('GET', '/v1/webhooks/events', { token: plain.accessToken })
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'NOT_A_CREATOR' })
    const anonymous = await api('GET', '/v1/webhooks/events')
    expect(anonymous.status).toBe(401)

    const owner = await registerCreator(api)
    const ticket = await api('POST', '/v1/realtime/tickets', { token: owner.accessToken })
    const viaTicket = await openStream(ctx, `/v1/webhooks/events?ticket=${ticket.body.ticket}`)
    expect((await viaTicket.next()).data.data).toEqual({ creatorId: owner.creator.id })
    await viaTicket.close()

    const s = await stream(owner.accessToken)
    expect((await s.next()).event).toBe('state')
    expect((await api('POST', '/v1/auth/logout', { body: { refreshToken: owner.refreshToken } })).status).toBe(204)
    const closed = await s.next(5000)
    expect(closed).toMatchObject({ event: 'stream.closed', id: null, data: { data: { reason: 'logged_out' } } })
    await s.close()
  })
})
