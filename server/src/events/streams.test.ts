import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig, type TestContext } from '../../test/helpers'
import { readSse, untilNumbered, type SseEvent } from '../../test/sse'
import { validateResponse } from '../contract/validate'
import { appendEvent } from '../platform/outbox'
import { openUserStream } from './service'

// Stream opens are reads; these tests open a thousand of them from one client.
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
beforeAll(() => deps.live.start())
afterAll(() => ctx.close())

/** Opens a stream in-process and checks the response head against the contract. */
async function open(path: string, headers: Record<string, string> = {}) {
  const res = await ctx.app.handle(new Request(`http://localhost${path}`, { headers }))
  const problems = validateResponse('GET', path.split('?')[0], res.status, res.headers.get('content-type'), res.status === 200 ? '' : await res.clone().json())
  expect(problems).toEqual([])
  return readSse(res, path.split('?')[0])
}

async function scheduledDrop(c: TestContext, opts: { initialStock?: number; lowStockThreshold?: number } = {}) {
  const owner = await registerCreator(c.api)
  const product = await c.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Live item', priceCents: 1000, currency: 'EUR' } })
  const drop = await c.api('POST', '/v1/drops', {
    token: owner.accessToken,
    body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: opts.initialStock ?? 10, ...(opts.lowStockThreshold !== undefined ? { lowStockThreshold: opts.lowStockThreshold } : {}) },
  })
  expect(drop.status).toBe(201)
  return { owner, drop: drop.body }
}

/** Makes the drop due and runs the lead's scheduler once: the drop.live event comes from the real transition. */
async function goLive(c: TestContext, dropId: string) {
  await c.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
  await c.deps.scheduler.tick()
}

const order = (token: string, dropId: string, quantity = 1) =>
  api('POST', '/v1/orders', { token, body: { dropId, quantity }, headers: { 'idempotency-key': crypto.randomUUID() } })

const ids = (events: SseEvent[]) => events.map((e) => Number(e.id))

const numbered = () => untilNumbered(deps)

describe('drop stream', () => {
  test('unknown drop → 404; malformed id → 400', async () => {
    const res = await ctx.app.handle(new Request('http://localhost/v1/drops/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/events'))
    expect(res.status).toBe(404)
    expect((await res.json()).code).toBe('NOT_FOUND')
    expect((await api('GET', '/v1/drops/nope/events')).status).toBe(400)
  })

  test('opens with retry + state, then drop.live, coalesced drop.stock, low_stock, sold_out in id order', async () => {
    const { drop } = await scheduledDrop(ctx, { initialStock: 5, lowStockThreshold: 2 })
    const s = await open(`/v1/drops/${drop.id}/events`)
    expect(s.status).toBe(200)
    expect(s.headers.get('content-type')).toStartWith('text/event-stream')
    expect(s.headers.get('x-request-id')).toBeTruthy()
    const state = await s.next()
    expect(s.retry).toBe(2000)
    expect(state.event).toBe('state')
    expect(state.data.data).toMatchObject({ id: drop.id, status: 'scheduled', availableStock: 5 })

    await goLive(ctx, drop.id)
    const live = await s.next()
    expect(live.event).toBe('drop.live')
    expect(live.data).toMatchObject({ type: 'drop.live', dropId: drop.id, data: { id: drop.id, status: 'live' } })

    const buyer = await registerUser(api)
    for (let i = 0; i < 5; i++) expect((await order(buyer.accessToken, drop.id)).status).toBe(201)
    const rest = await s.collect((e) => e.event === 'drop.sold_out')
    const more = await s.drain(400)
    const all = [...rest, ...more]
    // Ids strictly increase; low_stock and sold_out each once; stock coalesced (5 orders → fewer stock events).
    const seq = ids([live, ...all])
    expect(seq).toEqual([...seq].sort((a, b) => a - b))
    expect(new Set(seq).size).toBe(seq.length)
    expect(all.filter((e) => e.event === 'drop.low_stock').length).toBe(1)
    expect(all.filter((e) => e.event === 'drop.sold_out').length).toBe(1)
    const stock = all.filter((e) => e.event === 'drop.stock')
    expect(stock.length).toBeGreaterThan(0)
    expect(stock.length).toBeLessThan(5)
    expect(stock.at(-1)!.data.data.availableStock).toBe(0)
    await s.close()
  })

  test('resume with Last-Event-ID: the missed events, in order, no duplicates; far behind → reset', async () => {
    const { drop, owner } = await scheduledDrop(ctx, { initialStock: 100 })
    const s = await open(`/v1/drops/${drop.id}/events`)
    const state = await s.next()
    await goLive(ctx, drop.id)
    const live = await s.next()
    await s.close()
    // Missed while away: orders and then the cancellation of the drop, which cancels them (→ one drop.stock, back to 100).
    const buyer = await registerUser(api)
    for (let i = 0; i < 3; i++) expect((await order(buyer.accessToken, drop.id)).status).toBe(201)
    expect((await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })).status).toBe(200)
    await numbered()

    const again = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': live.id! })
    const missed = await again.collect((e) => e.event === 'drop.cancelled')
    expect(missed.map((e) => e.event)).toEqual(['drop.stock', 'drop.cancelled'])
    expect(missed[0].data.data.availableStock).toBe(100)
    expect(Number(missed[0].id)).toBeGreaterThan(Number(live.id))
    expect(Number(missed[1].id)).toBeGreaterThan(Number(missed[0].id))
    expect(await again.drain(300)).toEqual([])
    await again.close()

    // From the very first id: everything since, again once each.
    const fromState = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': state.id! })
    const replay = await fromState.collect((e) => e.event === 'drop.cancelled')
    expect(replay.map((e) => e.event)).toEqual(['drop.live', 'drop.stock', 'drop.cancelled'])
    await fromState.close()

    // An id the outbox never issued → reset with the current state.
    const bogus = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': '999999999999' })
    const reset = await bogus.next()
    expect(reset.event).toBe('reset')
    expect(reset.data.data.status).toBe('cancelled')
    await bogus.close()
  })

  test('beyond the replay window → reset with the current state', async () => {
    const { drop } = await scheduledDrop(ctx, { initialStock: 10 })
    const s = await open(`/v1/drops/${drop.id}/events`)
    const state = await s.next()
    await s.close()
    // 1,001 events of this drop while away (appended directly: the window is about counts, not causes).
    await deps.sql.begin(async (tx) => {
      for (let i = 0; i < 1001; i++) await appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 10 } })
    })
    await numbered()
    const behind = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': state.id! })
    const first = await behind.next()
    expect(first.event).toBe('reset')
    expect(first.data.data).toMatchObject({ id: drop.id, availableStock: 10 })
    await behind.close()
  })

  test('open and drop 1,000 streams → subscription count back to 0, no leaked keys', async () => {
    const { drop } = await scheduledDrop(ctx)
    const base = deps.live.subscriptions()
    const streams = await Promise.all(Array.from({ length: 1000 }, () => open(`/v1/drops/${drop.id}/events`)))
    expect(deps.live.subscriptions()).toBe(base + 1000)
    await Promise.all(streams.map((s) => s.next()))
    await Promise.all(streams.map((s) => s.close()))
    await Bun.sleep(50)
    expect(deps.live.subscriptions()).toBe(base)
    expect(deps.live.streamKeys()).toBe(0)
    // Aborted requests (the client going away without reading) free their streams too.
    const controllers = Array.from({ length: 200 }, () => new AbortController())
    await Promise.all(controllers.map((c) => ctx.app.handle(new Request(`http://localhost/v1/drops/${drop.id}/events`, { signal: c.signal }))))
    expect(deps.live.subscriptions()).toBe(base + 200)
    controllers.forEach((c) => c.abort())
    await Bun.sleep(50)
    expect(deps.live.subscriptions()).toBe(base)
    const metrics = await deps.metrics.registry.getSingleMetricAsString('livedrop_sse_connections')
    expect(metrics).toContain('livedrop_sse_connections{stream="drop"} 0')
  })
})

describe('personal stream', () => {
  test('no credentials, a bad token or a bad ticket → 401', async () => {
    expect((await ctx.app.handle(new Request('http://localhost/v1/me/events'))).status).toBe(401)
    expect((await ctx.app.handle(new Request('http://localhost/v1/me/events', { headers: { authorization: 'Bearer nope' } }))).status).toBe(401)
    const bad = await ctx.app.handle(new Request('http://localhost/v1/me/events?ticket=nope'))
    expect(bad.status).toBe(401)
    expect(validateResponse('GET', '/v1/me/events', 401, bad.headers.get('content-type'), await bad.json())).toEqual([])
    expect((await api('POST', '/v1/realtime/tickets')).status).toBe(401)
  })

  test('tickets: bound to the user, single use, expire', async () => {
    const u = await registerUser(api)
    const t = await api('POST', '/v1/realtime/tickets', { token: u.accessToken })
    expect(t.status).toBe(201)
    expect(Date.parse(t.body.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000)
    const s = await open(`/v1/me/events?ticket=${t.body.ticket}`)
    expect(s.status).toBe(200)
    expect((await s.next()).event).toBe('state')
    await s.close()
    // Used once: never again.
    expect((await ctx.app.handle(new Request(`http://localhost/v1/me/events?ticket=${t.body.ticket}`))).status).toBe(401)
    // Expired: the row says so.
    const t2 = await api('POST', '/v1/realtime/tickets', { token: u.accessToken })
    await deps.sql`update realtime_tickets set expires_at = now() - interval '1 second' where user_id = ${u.user.id}`
    expect((await ctx.app.handle(new Request(`http://localhost/v1/me/events?ticket=${t2.body.ticket}`))).status).toBe(401)
  })

  test('buyer gets order.confirmed / order.cancelled / drop.sold_out; follower gets drop.live; others nothing', async () => {
    const { drop, owner } = await scheduledDrop(ctx, { initialStock: 2 })
    const follower = await registerUser(api)
    const buyer = await registerUser(api)
    const stranger = await registerUser(api)
    expect((await api('POST', `/v1/creators/${owner.creator.id}/follow`, { token: follower.accessToken })).status).toBe(204)
    const fs = await open('/v1/me/events', { authorization: `Bearer ${follower.accessToken}` })
    const bs = await open('/v1/me/events', { authorization: `Bearer ${buyer.accessToken}` })
    const ss = await open('/v1/me/events', { authorization: `Bearer ${stranger.accessToken}` })
    for (const s of [fs, bs, ss]) expect((await s.next()).data).toMatchObject({ type: 'state', data: { unreadNotifications: 0 } })

    await goLive(ctx, drop.id)
    const live = await fs.next()
    expect(live).toMatchObject({ event: 'drop.live', data: { dropId: drop.id, data: { id: drop.id, status: 'live' } } })

    const o1 = await order(buyer.accessToken, drop.id)
    const o2 = await order(buyer.accessToken, drop.id)
    expect(o2.status).toBe(201)
    expect((await api('POST', `/v1/orders/${o1.body.id}/cancel`, { token: buyer.accessToken })).status).toBe(200)
    const got = await bs.collect((e) => e.event === 'order.cancelled')
    expect(got.map((e) => e.event)).toEqual(['order.confirmed', 'order.confirmed', 'drop.sold_out', 'order.cancelled'])
    expect(got[0].data.data.order.id).toBe(o1.body.id)
    expect(got[3].data.data).toMatchObject({ order: { id: o1.body.id, status: 'cancelled' }, availableStock: 1 })
    expect(ids(got)).toEqual([...ids(got)].sort((a, b) => a - b))
    expect(await ss.drain(300)).toEqual([])
    expect(await fs.drain(0)).toEqual([])

    // Resume the buyer's stream from its first order: the rest again, in order.
    await bs.close()
    const again = await open('/v1/me/events', { authorization: `Bearer ${buyer.accessToken}`, 'last-event-id': got[0].id! })
    const replay = await again.collect((e) => e.event === 'order.cancelled')
    expect(replay.map((e) => e.id)).toEqual(got.slice(1).map((e) => e.id))
    await Promise.all([fs.close(), ss.close(), again.close()])
  })

  test('heartbeats are sent on idle streams', async () => {
    const { createLive } = await import('./live')
    const live = createLive({ sql: deps.sql, pubsub: deps.pubsub, log: deps.log, channelPrefix: 'test-hb:', heartbeatMs: 50 })
    await live.start({ relay: false, notifier: false })
    const u = await registerUser(api)
    const s = await readSse(await openUserStream({ sql: deps.sql, live }, { userId: u.user.id, sessionId: null, expiresAtMs: null }), "/v1/me/events")
    await s.next()
    await Bun.sleep(200)
    expect(s.comments).toBeGreaterThanOrEqual(2)
    await s.close()
    await live.stop()
  })
})

describe('outbox', () => {
  test('a rolled-back transaction emits nothing; a late commit (smaller id, later commit) is not skipped', async () => {
    const { drop } = await scheduledDrop(ctx)
    const s = await open(`/v1/drops/${drop.id}/events`)
    await s.next()
    await deps.sql.begin(async (tx) => {
      await appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 1, lowStockThreshold: 2, marker: 'rolled-back' } })
      throw new Error('rollback')
    }).catch(() => {})
    // Transaction A takes the smaller outbox id and commits last; B commits first and is published first.
    let releaseA!: () => void
    const aHolds = new Promise<void>((r) => (releaseA = r))
    let aInserted!: () => void
    const aReady = new Promise<void>((r) => (aInserted = r))
    const a = deps.sql.begin(async (tx) => {
      await appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 1, lowStockThreshold: 2, marker: 'A' } })
      aInserted()
      await aHolds
    })
    await aReady
    await deps.sql.begin((tx) => appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 1, lowStockThreshold: 2, marker: 'B' } }))
    const first = await s.next()
    expect(first.data.data.marker).toBe('B')
    releaseA()
    await a
    const second = await s.next()
    expect(second.data.data.marker).toBe('A')
    expect(Number(second.id)).toBeGreaterThan(Number(first.id))
    // The situation really was "ids allocated out of commit order": A's outbox id is the smaller one.
    const [row] = await deps.sql<{ a: string; b: string }[]>`
      select max(id) filter (where data->>'marker' = 'A') as a, max(id) filter (where data->>'marker' = 'B') as b from outbox where drop_id = ${drop.id}`
    expect(BigInt(row.a)).toBeLessThan(BigInt(row.b))
    expect(await s.drain(300)).toEqual([])
    const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from outbox where data->>'marker' = 'rolled-back'`
    expect(n).toBe(0)
    await s.close()
  })
})
