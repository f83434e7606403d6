import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig, unique, describeWithRedis, describeWithRedisServer } from '../../test/helpers'
import { readSse, type SseEvent } from '../../test/sse'
import { redisServer, startServer, type ServerProcess } from '../../test/processes'
import { openRawSse } from '../../test/sse-socket'

// Two real server processes sharing Postgres and Redis (ports 3520-3529 belong to this suite). The in-process
// context is only used to seed and inspect the database.
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { deps } = ctx
let A: ServerProcess
let B: ServerProcess

beforeAll(async () => {
  ;[A, B] = await Promise.all([startServer(3520), startServer(3521)])
}, 30_000)
afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()])
  await ctx.close()
})

async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const stream = async (base: string, path: string, headers: Record<string, string> = {}) => {
  const s = await readSse(await fetch(`${base}${path}`, { headers }), path.split("?")[0])
  expect(s.status).toBe(200)
  return s
}

async function dropOn(base: string, token: string, startsInMs: number, initialStock = 10) {
  const product = await call(base, 'POST', '/v1/products', { token, body: { title: 'multi', priceCents: 500, currency: 'EUR' } })
  const drop = await call(base, 'POST', '/v1/drops', { token, body: { productId: product.body.id, startsAt: new Date(Date.now() + startsInMs).toISOString(), initialStock } })
  expect(drop.status).toBe(201)
  return drop.body
}

const orderOn = (base: string, token: string, dropId: string) =>
  call(base, 'POST', '/v1/orders', { token, body: { dropId, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })

const ids = (events: SseEvent[]) => events.map((e) => Number(e.id))
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1])

describeWithRedis('two instances', () => {
  test('an order placed on A reaches a drop stream on B; the schedulers move the drop exactly once', async () => {
    const owner = await registerCreator(ctx.api)
    const drop = await dropOn(A.url, owner.accessToken, 1500, 3)
    const onB = await stream(B.url, `/v1/drops/${drop.id}/events`)
    const onA = await stream(A.url, `/v1/drops/${drop.id}/events`)
    expect((await onB.next()).event).toBe('state')
    expect((await onA.next()).event).toBe('state')
    // Both instances run the scheduler; the drop goes live once and both streams see one drop.live.
    const liveB = await onB.next(5000)
    expect(liveB.event).toBe('drop.live')
    expect((await onA.next(5000)).id).toBe(liveB.id)
    const transitions = await deps.sql`select to_status from drop_transitions where drop_id = ${drop.id}`
    expect(transitions.map((t) => t.toStatus)).toEqual(['live'])

    const buyer = await registerUser(ctx.api)
    const me = await stream(B.url, '/v1/me/events', { authorization: `Bearer ${buyer.accessToken}` })
    await me.next()
    for (let i = 0; i < 3; i++) expect((await orderOn(A.url, buyer.accessToken, drop.id)).status).toBe(201)
    const seen = await onB.collect((e) => e.event === 'drop.sold_out')
    expect(seen.at(-1)!.event).toBe('drop.sold_out')
    const mine = await me.collect((e, all) => all.filter((x) => x.event === 'order.confirmed').length === 3 && all.some((x) => x.event === 'drop.sold_out'))
    expect(mine.filter((e) => e.event === 'order.confirmed').length).toBe(3)
    expect(increasing(ids(mine))).toBe(true)
    const stockOnB = [...seen, ...(await onB.drain(400))].filter((e) => e.event === 'drop.stock')
    expect(stockOnB.at(-1)?.data.data.availableStock).toBe(0)
    await Promise.all([onA.close(), onB.close(), me.close()])
  }, 20_000)

  test('resume across instances: read on B, reconnect to A with Last-Event-ID → the rest, in order, once', async () => {
    const owner = await registerCreator(ctx.api)
    const drop = await dropOn(A.url, owner.accessToken, 800, 100)
    const buyer = await registerUser(ctx.api)
    const me = await stream(B.url, '/v1/me/events', { authorization: `Bearer ${buyer.accessToken}` })
    await me.next()
    await Bun.sleep(1500)
    for (let i = 0; i < 3; i++) expect((await orderOn(A.url, buyer.accessToken, drop.id)).status).toBe(201)
    const firstThree = await me.collect((e, all) => all.length === 3)
    await me.close()
    for (let i = 0; i < 4; i++) expect((await orderOn(B.url, buyer.accessToken, drop.id)).status).toBe(201)
    const again = await stream(A.url, '/v1/me/events', { authorization: `Bearer ${buyer.accessToken}`, 'last-event-id': firstThree[2].id! })
    const rest = await again.collect((e, all) => all.length === 4)
    expect(rest.map((e) => e.event)).toEqual(Array(4).fill('order.confirmed'))
    expect(increasing(ids([...firstThree, ...rest]))).toBe(true)
    expect(await again.drain(500)).toEqual([])
    const orderIds = [...firstThree, ...rest].map((e) => e.data.data.order.id)
    expect(new Set(orderIds).size).toBe(7)
    await again.close()
  }, 20_000)
})

describeWithRedis('follows across instances', () => {
  test('a follow made on A while the follower streams from B: the next drop.live reaches B; an unfollow stops it', async () => {
    const owner = await registerCreator(ctx.api)
    const fan = await registerUser(ctx.api)
    const me = await stream(B.url, '/v1/me/events', { authorization: `Bearer ${fan.accessToken}` })
    expect((await me.next()).event).toBe('state')
    expect((await call(A.url, 'POST', `/v1/creators/${owner.creator.id}/follow`, { token: fan.accessToken })).status).toBe(204)
    const first = await dropOn(A.url, owner.accessToken, 1200)
    const live = await me.next(5000)
    expect(live).toMatchObject({ event: 'drop.live', data: { dropId: first.id } })
    expect((await call(A.url, 'DELETE', `/v1/creators/${owner.creator.id}/follow`, { token: fan.accessToken })).status).toBe(204)
    await dropOn(A.url, owner.accessToken, 1200)
    expect(await me.drain(2500)).toEqual([])
    await me.close()
  }, 20_000)
})

describeWithRedisServer('Redis unavailable for a few seconds', () => {
  test('events committed meanwhile are delivered, none lost, none twice', async () => {
    const redis = redisServer(6393)
    await redis.start()
    const env = { REDIS_URL: redis.url, RUN_SCHEDULER: 'true' }
    const [C, D] = await Promise.all([startServer(3522, env), startServer(3523, env)])
    try {
      const owner = await registerCreator(ctx.api)
      const drop = await dropOn(C.url, owner.accessToken, 800, 50)
      const buyer = await registerUser(ctx.api)
      const me = await stream(D.url, '/v1/me/events', { authorization: `Bearer ${buyer.accessToken}` })
      await me.next()
      await Bun.sleep(1500)
      expect((await orderOn(C.url, buyer.accessToken, drop.id)).status).toBe(201)
      const before = await me.collect((e) => e.event === 'order.confirmed')

      await redis.stop()
      const during = []
      for (let i = 0; i < 4; i++) {
        const o = await orderOn(C.url, buyer.accessToken, drop.id)
        expect(o.status).toBe(201)
        during.push(o.body.id)
      }
      await Bun.sleep(3000)
      await redis.start()
      const after = []
      for (let i = 0; i < 3; i++) after.push((await orderOn(C.url, buyer.accessToken, drop.id)).body.id)
      const got = [...before, ...(await me.collect((e, all) => all.filter((x) => x.event === 'order.confirmed').length === 7, 15_000))]
      const confirmed = got.filter((e) => e.event === 'order.confirmed')
      expect(confirmed.map((e) => e.data.data.order.id).slice(1)).toEqual([...during, ...after])
      expect(increasing(ids(got))).toBe(true)
      expect(await me.drain(1500)).toEqual([])
      await me.close()
    } finally {
      await Promise.all([C.stop(), D.stop()])
      await redis.stop()
    }
  }, 60_000)
})

describeWithRedis('celebrity fan-out', () => {
  test('100,000 followers: every connected follower has drop.live within 2 s; 100,000 notifications set-based', async () => {
    const owner = await registerCreator(ctx.api)
    const tag = unique('f').toLowerCase()
    // Seeded set-based: 100,000 users and their follows in two statements (setup, not the thing measured: no
    // 5 s statement timeout, which a busy machine can pass).
    await deps.sql.begin(async (tx) => {
      await tx`set local statement_timeout = '120s'`
      await tx`
        insert into users (id, username, email, password_hash)
        select livedrop_uuidv7(), ${tag} || '_' || g, ${tag} || '_' || g || '@fans.test', 'seeded-no-login'
        from generate_series(1, 100000) g`
      await tx`
        insert into follows (creator_id, follower_id)
        select ${owner.creator.id}, id from users where username like ${tag + '\\_%'}`
    })
    await deps.sql`update creators set follower_count = (select count(*) from follows where creator_id = ${owner.creator.id}) where id = ${owner.creator.id}`
    expect((await call(A.url, 'GET', `/v1/creators/${owner.creator.id}`)).body.followerCount).toBe(100000)

    // 1,000 followers connected, half on each instance (raw sockets: fetch caps concurrent connections).
    const fans = await deps.sql<{ id: string }[]>`select id from users where username like ${tag + '\\_%'} order by random() limit 1000`
    const tokens = await Promise.all(fans.map((f) => deps.tokens.issueAccessToken(f.id)))
    const streams = await Promise.all(tokens.map((t, i) => openRawSse(i % 2 ? B.port : A.port, '/v1/me/events', { authorization: `Bearer ${t}` })))
    expect(streams.filter((s) => s.status !== 200).map((s) => s.status)).toEqual([])
    await Promise.all(streams.map((s) => s.waitFor('state')))

    const drop = await dropOn(A.url, owner.accessToken, 1500)
    const startsAt = Date.parse(drop.startsAt)
    const latencies = await Promise.all(streams.map(async (s) => {
      const e = await s.waitFor('drop.live', 10_000)
      expect(e.data.dropId).toBe(drop.id)
      return Date.now() - startsAt
    }))
    latencies.sort((a, b) => a - b)
    console.error(`[fan-out] 100,000 followers, 1,000 connected on 2 instances: drop.live after startsAt p50 ${latencies[500]} ms, max ${latencies.at(-1)} ms`)
    expect(latencies.at(-1)!).toBeLessThan(2000)
    streams.forEach((s) => s.close())

    // The stored notifications follow in the background, in one INSERT … SELECT.
    const deadline = Date.now() + 30_000
    let n = 0
    while (Date.now() < deadline) {
      ;[{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from notifications where type = 'drop.live' and data->>'id' = ${drop.id}`
      if (n === 100000) break
      await Bun.sleep(250)
    }
    expect(n).toBe(100000)
  }, 90_000)
})

describeWithRedis('two instances: the webhook event stream', () => {
  test('a sale on A reaches the creator\'s webhook event stream on B; resuming on A after it misses nothing', async () => {
    const owner = await registerCreator(ctx.api)
    const onB = await stream(B.url, '/v1/webhooks/events', { authorization: `Bearer ${owner.accessToken}` })
    expect((await onB.next()).data.data).toEqual({ creatorId: owner.creator.id })
    const drop = await dropOn(A.url, owner.accessToken, 1000, 5) // created after the stream opened; a scheduler starts it
    expect((await onB.next(5000)).event).toBe('drop.live')
    const buyer = await registerUser(ctx.api)
    expect((await orderOn(A.url, buyer.accessToken, drop.id)).status).toBe(201)
    const sale = await onB.next(5000)
    expect(sale).toMatchObject({ event: 'order.confirmed', data: { id: `evt_${sale.id}`, creatorId: owner.creator.id, dropId: drop.id } })
    await onB.close()
    expect((await orderOn(A.url, buyer.accessToken, drop.id)).status).toBe(201)
    const onA = await stream(A.url, '/v1/webhooks/events', { authorization: `Bearer ${owner.accessToken}`, 'last-event-id': sale.id! })
    const next = await onA.next(5000)
    expect(next.event).toBe('order.confirmed')
    expect(Number(next.id)).toBeGreaterThan(Number(sale.id))
    expect(await onA.drain(300)).toEqual([])
    await onA.close()
  })
})
