import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Cluster } from 'ioredis'
import { auditOf, createTestContext, describeWithRedisServer, registerCreator, registerUser, testConfig, unique, type TestContext } from '../../test/helpers'
import { request as call, startServer, type ServerProcess } from '../../test/processes'
import { redisCluster } from '../../test/redis-cluster'
import { readSse, type SseEvent } from '../../test/sse'
import { createRedisQueueStore } from '../queue/redis-store'

/**
 * LiveDrop on a real Redis Cluster (3 masters + 3 replicas on ports 7100-7105 of the run's block, servers on
 * 3640-3641): two server processes share it for rate limits, caches, the waiting room's scripts and the sharded
 * pub/sub that carries live events; then a master is killed with SIGKILL in the middle of an order rush.
 */
const cluster = redisCluster(7100)
const prefix = `${unique('rc')}:`
const ORDERS_PER_MINUTE = 5
let ctx: TestContext
let A: ServerProcess
let B: ServerProcess


async function scheduledDrop(token: string, startsInMs: number, initialStock: number, perUserLimit = 10) {
  const product = await call(A.url, 'POST', '/v1/products', { token, body: { title: 'cluster', priceCents: 700, currency: 'EUR' } })
  const drop = await call(A.url, 'POST', '/v1/drops', { token, body: { productId: product.body.id, startsAt: new Date(Date.now() + startsInMs).toISOString(), initialStock, perUserLimit } })
  expect(drop.status).toBe(201)
  return drop.body
}

const order = (base: string, token: string, dropId: string, key: string = crypto.randomUUID()) =>
  call(base, 'POST', '/v1/orders', { token, body: { dropId, quantity: 1 }, headers: { 'idempotency-key': key } })

const metric = async (base: string, line: RegExp) => {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(text.split('\n').find((l) => line.test(l))?.split(' ').pop() ?? NaN)
}

/** Keys of this run on each master: proof that the server spreads its state over the cluster. */
async function keysPerMaster(): Promise<number[]> {
  const c = ctx.deps.backplane.client as Cluster
  return Promise.all(c.nodes('master').map(async (n) => (await n.keys(`${prefix}*`)).length))
}

describeWithRedisServer('Redis Cluster', () => {
  beforeAll(async () => {
    await cluster.start()
    ctx = createTestContext({ redisUrl: cluster.url, redisKeyPrefix: prefix, rateLimit: { ...testConfig().rateLimit, enabled: false } })
    const env = { REDIS_URL: cluster.url, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ORDERS: `${ORDERS_PER_MINUTE}/60`, RUN_SCHEDULER: 'true' }
    ;[A, B] = await Promise.all([startServer(3640, env), startServer(3641, env)])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([A?.kill('SIGKILL'), B?.kill('SIGKILL')])
    await ctx?.close()
    await cluster.stop()
  }, 30_000)

  test('the server runs on the cluster: queue scripts keep their keys in one slot, state spreads over the masters', async () => {
    const client = ctx.deps.backplane.client
    expect(client).toBeInstanceOf(Cluster)
    for (let i = 0; i < 100 && client!.status !== 'ready'; i++) await Bun.sleep(20)
    // The waiting room's Lua scripts touch eleven keys of one drop: a CROSSSLOT refusal here would mean a key
    // without the drop's hash tag.
    const store = createRedisQueueStore(client!, prefix)
    const dropId = crypto.randomUUID()
    const past = Date.now() - 1000
    expect(await store.join(dropId, 'u1', past, false)).toBe('needs_seal')
    expect(await store.seal(dropId, past, [])).toBe(true)
    expect(await store.join(dropId, 'u1', past, false)).toEqual({ status: 'waiting', ahead: 0 })
    expect(await store.join(dropId, 'u2', past, false)).toEqual({ status: 'waiting', ahead: 1 })
    const { admitted } = await store.admit(dropId, { rate: 10, ttlMs: 60_000, capacity: 5 })
    expect(admitted.map((a) => a.userId)).toEqual(['u1'])
    expect(await store.consume(dropId, 'u1', 'k1')).toBe('fresh')
    expect(await store.stats(dropId)).toMatchObject({ waiting: 1, admitted: 1 })
    // Rate-limit counters (per user) and cached documents (per drop) land on every master.
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(ctx.api)))
    for (const u of users) await order(A.url, u.accessToken, crypto.randomUUID())
    for (let i = 0; i < 6; i++) await call(B.url, 'GET', `/v1/drops/${crypto.randomUUID()}`)
    expect((await keysPerMaster()).every((n) => n > 0)).toBe(true)
  })

  test('two instances: the drop goes live on both streams, orders on A show on B (SSE and cache), one shared order budget', async () => {
    const owner = await registerCreator(ctx.api)
    const drop = await scheduledDrop(owner.accessToken, 1500, 20)
    const onB = await readSse(await fetch(`${B.url}/v1/drops/${drop.id}/events`), `/v1/drops/${drop.id}/events`)
    expect((await onB.next(5000)).event).toBe('state')
    expect((await onB.next(10_000)).event).toBe('drop.live')
    const first = await call(B.url, 'GET', `/v1/drops/${drop.id}`)
    expect(first.body.availableStock).toBe(20)
    const etag = first.headers.get('etag')!
    expect((await call(B.url, 'GET', `/v1/drops/${drop.id}`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    // One buyer, alternating instances: the budget is one counter in the cluster, not one per instance.
    const buyer = await registerUser(ctx.api)
    const statuses: number[] = []
    for (let i = 0; i < 2 * ORDERS_PER_MINUTE; i++) statuses.push((await order(i % 2 ? B.url : A.url, buyer.accessToken, drop.id)).status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(ORDERS_PER_MINUTE)
    expect(statuses.filter((s) => s === 429)).toHaveLength(ORDERS_PER_MINUTE)
    // B's stream and B's cache follow the orders placed on A.
    const stock = await onB.collect((e) => e.event === 'drop.stock' && e.data.data.availableStock === 20 - ORDERS_PER_MINUTE, 10_000)
    expect(stock.at(-1)!.data.data.availableStock).toBe(15)
    let now = first
    for (let i = 0; i < 50 && now.body.availableStock !== 15; i++) {
      await Bun.sleep(100)
      now = await call(B.url, 'GET', `/v1/drops/${drop.id}`, { headers: { 'if-none-match': etag } })
    }
    expect(now.status).toBe(200)
    expect(now.body.availableStock).toBe(15)
    await onB.close()
  }, 30_000)

  test('kill -9 a master mid-rush: its replica takes over; no order lost or doubled, limits hold, live events resume', async () => {
    const owner = await registerCreator(ctx.api)
    const drop = await scheduledDrop(owner.accessToken, 1000, 400, 10)
    const buyers = await Promise.all(Array.from({ length: 16 }, () => registerUser(ctx.api)))
    const watcher = buyers[0]
    const stream = await readSse(await fetch(`${B.url}/v1/me/events`, { headers: { authorization: `Bearer ${watcher.accessToken}` } }), '/v1/me/events')
    expect((await stream.next(5000)).event).toBe('state')
    // A buyer who only orders once the cluster is whole again, its stream on B open through the failover.
    const latecomer = await registerUser(ctx.api)
    const lateStream = await readSse(await fetch(`${B.url}/v1/me/events`, { headers: { authorization: `Bearer ${latecomer.accessToken}` } }), '/v1/me/events')
    expect((await lateStream.next(5000)).event).toBe('state')
    for (let i = 0; i < 100 && (await call(A.url, 'GET', `/v1/drops/${drop.id}`)).body.status !== 'live'; i++) await Bun.sleep(100)
    // The master of the live-event channel (sharded pub/sub): the subscribers must move to its replica.
    const [{ db }] = await ctx.deps.sql<{ db: string }[]>`select current_database() as db`
    const channel = `${prefix}events:${db}`
    const victim = await cluster.masterOf(channel)
    // A subscriber of our own on that channel (sharded, through the in-process context's cluster client).
    const relayed: number[] = []
    const unsubscribe = ctx.deps.pubsub.subscribe(channel, () => relayed.push(Date.now()))

    // Each buyer keeps ordering with its own keys, retrying a key on any answer that is not final (a client's
    // duty after a 503 or a cut connection), round-robin over both instances.
    const finals = new Map<string, { status: number; orderId?: string }>()
    let stop = false
    const buyerLoop = async (b: (typeof buyers)[number], n: number) => {
      for (let i = 0; !stop && i < ORDERS_PER_MINUTE + 3; i++) {
        const key = `rc-${n}-${i}-${crypto.randomUUID()}`
        for (let attempt = 0; attempt < 20; attempt++) {
          const r = await order((n + i + attempt) % 2 ? B.url : A.url, b.accessToken, drop.id, key).catch(() => ({ status: 0, body: null as any }))
          if ([201, 409, 429].includes(r.status)) {
            finals.set(key, { status: r.status, orderId: r.status === 201 ? r.body.id : undefined })
            break
          }
          await Bun.sleep(100)
        }
        await Bun.sleep(150)
      }
    }
    // One more buyer hammers the order route through the whole run: the limit must hold throughout.
    let hammered = { ok: 0, limited: 0 }
    const hammer = async (token: string) => {
      while (!stop) {
        const r = await order(A.url, token, drop.id).catch(() => ({ status: 0 }))
        if (r.status === 201 || r.status === 409) hammered.ok++
        if (r.status === 429) hammered.limited++
        await Bun.sleep(25)
      }
    }
    const hammerer = await registerUser(ctx.api)
    const load = Promise.all([...buyers.map(buyerLoop), hammer(hammerer.accessToken)])
    await Bun.sleep(1000)
    const killedAt = Date.now()
    await cluster.kill(victim)
    await cluster.healthy(30_000)
    const failoverMs = Date.now() - killedAt
    // The breaker closes once every slot answers again; give the instances that long, then a little more load.
    for (let i = 0; i < 100 && (await metric(A.url, /^livedrop_redis_fallback_active\{component="redis"\}/)) !== 0; i++) await Bun.sleep(100)
    await Bun.sleep(1500)
    stop = true
    await load
    expect(await metric(A.url, /^livedrop_redis_fallback_active\{component="redis"\}/)).toBe(0)
    expect(await metric(B.url, /^livedrop_redis_fallback_active\{component="redis"\}/)).toBe(0)
    // The rate limiter did run on its fallback meanwhile — on the instance whose Redis calls met the dead master
    // (the one relaying live events publishes on the victim's channel; which instance that is, is the lock's choice).
    const fellBack = async (url: string) => (await metric(url, /^livedrop_redis_fallback_total\{component="rate_limit"\}/)) || 0
    expect((await fellBack(A.url)) + (await fellBack(B.url))).toBeGreaterThan(0)

    // No order lost or doubled: every 201 is one confirmed order in the database and nothing else is there.
    const confirmed = [...finals.values()].filter((f) => f.status === 201).map((f) => f.orderId!)
    expect(new Set(confirmed).size).toBe(confirmed.length)
    const rows = await ctx.deps.sql<{ id: string; userId: string }[]>`select id, user_id from orders where drop_id = ${drop.id} and status = 'confirmed'`
    const hammerOrders = rows.filter((r) => r.userId === hammerer.user.id).length
    expect(hammerOrders).toBe(hammered.ok)
    expect(rows.filter((r) => r.userId !== hammerer.user.id).map((r) => r.id).sort()).toEqual([...confirmed].sort())
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit.invariantHolds).toBe(true)
    expect(audit.confirmedQuantity).toBe(rows.length)
    // Limits held: refusals before, during and after the failover; while the slot was down each instance
    // counted on its own (the fallback), so at most one budget from Redis plus one per instance.
    expect(hammered.limited).toBeGreaterThan(0)
    expect(hammered.ok).toBeLessThanOrEqual(ORDERS_PER_MINUTE * 3)

    // Live events resume: the watcher's own orders, placed on either instance before, during and after the
    // kill, all reach its stream on B (replayed from the outbox where pub/sub lost them), in order, no gaps.
    const mine = rows.filter((r) => r.userId === watcher.user.id).map((r) => r.id)
    const seen = await stream.collect((_e, all) => mine.every((id) => all.some((x) => x.event === 'order.confirmed' && x.data.data.order.id === id)), 20_000)
    const ids = seen.filter((e: SseEvent) => e.id !== null).map((e) => Number(e.id))
    expect(ids.every((x, i) => i === 0 || x > ids[i - 1])).toBe(true)
    await stream.close()
    // After the failover: the latecomer's order on A reaches its stream on B, and the sharded subscription has
    // moved to the new master (the relay's message for it reached our own subscriber, not only the outbox).
    const healedAt = Date.now()
    const late = await order(A.url, latecomer.accessToken, drop.id)
    expect(late.status).toBe(201)
    const lateSeen = await lateStream.collect((e) => e.event === 'order.confirmed' && e.data.data.order.id === late.body.id, 10_000)
    expect(lateSeen.at(-1)!.data.data.order.id).toBe(late.body.id)
    await lateStream.close()
    for (let i = 0; i < 50 && !relayed.some((t) => t >= healedAt); i++) await Bun.sleep(100)
    expect(relayed.some((t) => t >= healedAt)).toBe(true)
    unsubscribe()
    console.error(`[redis-cluster] master ${victim} killed: cluster whole again after ${failoverMs} ms; ${confirmed.length + hammerOrders} orders confirmed, hammer ${hammered.ok} ok / ${hammered.limited} limited`)
  }, 90_000)
})
