import { afterAll, expect, test } from 'bun:test'
import { createTestContext, liveDrop, registerCreator, registerUser, testConfig, unique, type TestContext, describeWithRedis } from '../../test/helpers'
import { CACHED } from './cache'

// Two instances of the server over one Postgres and one Redis (same key prefix), as in production.
const prefix = `${unique('cachetest')}:`
const over = { redisKeyPrefix: prefix, rateLimit: { ...testConfig().rateLimit, orders: { points: 10_000, windowSec: 10 } } }
const a = createTestContext(over)
const b = createTestContext(over)
const contexts: TestContext[] = [a, b]
afterAll(() => Promise.all(contexts.map((c) => c.close())), 15_000)

const counter = async (ctx: TestContext, name: string, labels: Record<string, string>) =>
  (await ctx.deps.metrics.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, withinMs: number): Promise<{ value: T; ms: number }> {
  const t0 = performance.now()
  for (;;) {
    const value = await what()
    const ms = performance.now() - t0
    if (ok(value) || ms > withinMs) return { value, ms }
    await Bun.sleep(20)
  }
}

describeWithRedis('hot-read cache', () => {
  test('a stampede on one drop makes one database read (single-flight), the rest are hits', async () => {
    const { drop } = await liveDrop(a)
    const fresh = createTestContext(over)
    contexts.push(fresh)
    const before = await counter(fresh, 'livedrop_cache_misses_total', { cache: 'drop' })
    const all = await Promise.all(Array.from({ length: 200 }, () => fresh.api('GET', `/v1/drops/${drop.id}`)))
    expect(all.every((r) => r.status === 200 && r.body.id === drop.id)).toBe(true)
    // Either this instance read the row once, or another instance's copy in Redis served it (0 reads).
    expect((await counter(fresh, 'livedrop_cache_misses_total', { cache: 'drop' })) - before).toBeLessThanOrEqual(1)

    let loads = 0
    const load = async () => {
      loads++
      await Bun.sleep(30)
      return { n: 1 }
    }
    const key = unique('sf')
    const got = await Promise.all(Array.from({ length: 100 }, () => fresh.deps.cache.get(CACHED.product, key, load)))
    expect(loads).toBe(1)
    expect(new Set(got.map((e) => e.etag)).size).toBe(1)
  })

  test('an order → the next read on any instance shows the new stock within 1 s', async () => {
    const { drop } = await liveDrop(a, { initialStock: 50 })
    // Both instances hold the drop in memory.
    expect((await a.api('GET', `/v1/drops/${drop.id}`)).body.availableStock).toBe(50)
    expect((await b.api('GET', `/v1/drops/${drop.id}`)).body.availableStock).toBe(50)
    const buyer = await registerUser(a.api)
    const placed = await a.api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId: drop.id, quantity: 3 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(placed.status).toBe(201)
    // The instance that took the order dropped its copy before answering.
    expect((await a.api('GET', `/v1/drops/${drop.id}`)).body.availableStock).toBe(47)
    // The other learns through pub/sub (and its copy could not be older than 1 s anyway).
    const seen = await until(() => b.api('GET', `/v1/drops/${drop.id}`), (r) => r.body.availableStock === 47, 1500)
    expect(seen.value.body.availableStock).toBe(47)
    expect(seen.ms).toBeLessThan(1000)

    // A cancellation returns stock without an explicit invalidation: the 1 s bound alone must show it.
    const cancelled = await a.api('POST', `/v1/orders/${placed.body.id}/cancel`, { token: buyer.accessToken })
    expect(cancelled.status).toBe(200)
    const back = await until(() => b.api('GET', `/v1/drops/${drop.id}`), (r) => r.body.availableStock === 50, 2500)
    expect(back.value.body.availableStock).toBe(50)
    expect(back.ms).toBeLessThanOrEqual(1100)
  })

  test('a product patch → the next read shows it on every instance; ETag + If-None-Match → 304', async () => {
    const c = await registerCreator(a.api)
    const created = await a.api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Before', priceCents: 100, currency: 'EUR' } })
    const id = created.body.id
    const first = await a.api('GET', `/v1/products/${id}`)
    const onB = await b.api('GET', `/v1/products/${id}`)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-z]+"$/)
    expect(onB.headers.get('etag')).toBe(etag)

    const notModified = await a.api('GET', `/v1/products/${id}`, { headers: { 'if-none-match': etag } })
    expect(notModified.status).toBe(304)
    expect(notModified.text).toBe('')
    expect(notModified.headers.get('etag')).toBe(etag)
    expect((await a.api('GET', `/v1/products/${id}`, { headers: { 'if-none-match': `W/${etag}, "other"` } })).status).toBe(304)

    const patched = await b.api('PATCH', `/v1/products/${id}`, { token: c.accessToken, body: { title: 'After' } })
    expect(patched.status).toBe(200)
    expect((await b.api('GET', `/v1/products/${id}`)).body.title).toBe('After')
    // Instance a holds the old title in memory for up to 5 s unless the invalidation reaches it.
    const seen = await until(() => a.api('GET', `/v1/products/${id}`), (r) => r.body.title === 'After', 1000)
    expect(seen.value.body.title).toBe('After')
    const stale = await a.api('GET', `/v1/products/${id}`, { headers: { 'if-none-match': etag } })
    expect(stale.status).toBe(200)
    expect(stale.headers.get('etag')).not.toBe(etag)
  })

  test('drop reads: ETag/304; lists are cached too and follow changes within 1 s', async () => {
    const { drop, owner } = await liveDrop(a)
    const first = await a.api('GET', `/v1/drops/${drop.id}`)
    expect((await a.api('GET', `/v1/drops/${drop.id}`, { headers: { 'if-none-match': first.headers.get('etag')! } })).status).toBe(304)
    const list = () => b.api('GET', `/v1/drops?creatorId=${owner.creator.id}&status=live`)
    expect((await list()).body.items.map((d: any) => d.id)).toEqual([drop.id])
    expect((await a.api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })).status).toBe(200)
    expect((await b.api('GET', `/v1/drops/${drop.id}`)).body.status).toBe('cancelled')
    const gone = await until(list, (r) => r.body.items.length === 0, 2000)
    expect(gone.value.body.items).toEqual([])
    expect(gone.ms).toBeLessThanOrEqual(1100)
  })

  test('with the shared cache unreachable, reads come from the database', async () => {
    const down = createTestContext({ redisUrl: 'redis://127.0.0.1:6392', redisKeyPrefix: prefix })
    contexts.push(down)
    const c = await registerCreator(down.api)
    const p = await down.api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Offline', priceCents: 1, currency: 'EUR' } })
    const r = await down.api('GET', `/v1/products/${p.body.id}`)
    expect(r.status).toBe(200)
    expect(r.body.title).toBe('Offline')
  })
})

test('stock-driven invalidations are coalesced: a burst of 100 is one at once and one at the end of the period', async () => {
  const { createCache, memoryStore, COALESCE_MS } = await import('./cache')
  const { createMemoryPubSub } = await import('./pubsub')
  const { createMetrics } = await import('./metrics')
  const pubsub = createMemoryPubSub()
  const seen: number[] = []
  const t0 = performance.now()
  const unsubscribe = pubsub.subscribe('inv', () => seen.push(performance.now() - t0))
  const cache = createCache({ store: memoryStore(), pubsub, metrics: createMetrics({ dbPoolMax: 1, dbConnections: async () => [] }), log: a.deps.log, channel: 'inv' })
  for (let i = 0; i < 100; i++) {
    cache.invalidateSoon('drop:x')
    await Bun.sleep(1)
  }
  await Bun.sleep(COALESCE_MS * 2 + 50)
  // 100 calls over ~100+ ms: one at the first call, then at most one per period.
  expect(seen.length).toBeGreaterThanOrEqual(2)
  expect(seen.length).toBeLessThanOrEqual(Math.ceil((performance.now() - t0) / COALESCE_MS) + 1)
  for (let i = 1; i < seen.length; i++) expect(seen[i] - seen[i - 1]).toBeGreaterThanOrEqual(COALESCE_MS - 5)
  // The last change is never lost: a trailing invalidation follows the last call.
  expect(seen[seen.length - 1]).toBeGreaterThan(100)
  unsubscribe()
  cache.close()
})
