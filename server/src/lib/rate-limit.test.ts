import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig, unique, type Api, type TestContext, describeWithRedis, describeWithRedisServer } from '../../test/helpers'
import { redisServer } from '../../test/processes'
import { clientIp, proxyMatcher } from './rate-limit'

// Every context gets a key prefix of its own: the shared Redis keeps counters between runs and other suites.
const prefix = () => `${unique('rltest')}:`
const contexts: TestContext[] = []
const context = (over: Parameters<typeof createTestContext>[0] = {}) => {
  const c = createTestContext({ redisKeyPrefix: prefix(), ...over })
  contexts.push(c)
  return c
}
afterAll(() => Promise.all(contexts.map((c) => c.close())), 15_000)
/** Until its client is connected a fresh instance counts in-process (Redis is never needed to start). */
async function redisReady(c: TestContext) {
  for (let i = 0; i < 100 && c.deps.backplane.client?.status !== 'ready'; i++) await Bun.sleep(20)
  // Requests made before the connection opened have tripped the breaker: its probe closes it at once on ready.
  for (let i = 0; i < 100 && c.deps.backplane.breaker.isOpen; i++) await Bun.sleep(20)
  return c
}

const order = (api: Api, token: string) =>
  api('POST', '/v1/orders', { token, body: { dropId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })

function expectHeaders(h: Headers) {
  expect(Number(h.get('ratelimit-limit'))).toBeGreaterThan(0)
  expect(Number(h.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(0)
  expect(Number(h.get('ratelimit-reset'))).toBeGreaterThan(0)
}

describeWithRedis('rate limits (Redis)', () => {
  test('a burst past the order limit gets 429 RATE_LIMITED with headers; another user is unaffected', async () => {
    // Default limits: the test is about what ships.
    const { api, deps } = await redisReady(context())
    const limit = deps.config.rateLimit.orders.points
    const hammer = await registerUser(api)
    const other = await registerUser(api)
    // All at once: the counter step is atomic in Redis, so exactly `limit` pass whatever the interleaving.
    const burst = await Promise.all(Array.from({ length: limit + 10 }, () => order(api, hammer.accessToken)))
    const refused = burst.filter((r) => r.status === 429)
    expect(refused.length).toBe(10)
    // Requests that passed the limiter reached the orders code (unknown drop → 404).
    expect(burst.filter((r) => r.status === 404).length).toBe(limit)
    for (const r of burst) expectHeaders(r.headers)
    const r = refused[0]
    expect(r.body.code).toBe('RATE_LIMITED')
    expect(r.headers.get('content-type')).toContain('application/problem+json')
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(deps.config.rateLimit.orders.windowSec)
    expect(r.headers.get('ratelimit-remaining')).toBe('0')
    expect(r.headers.get('ratelimit-limit')).toBe(String(limit))

    const fine = await order(api, other.accessToken)
    expect(fine.status).toBe(404)
    expect(fine.headers.get('ratelimit-remaining')).toBe(String(limit - 1))
    // Reads are a separate budget: the hammering user can still look.
    expect((await api('GET', '/v1/me', { token: hammer.accessToken })).status).toBe(200)

    const metrics = await (await deps.metrics.registry.getSingleMetric('livedrop_rate_limit_refusals_total')!.get()).values
    expect(metrics.find((v) => v.labels.class === 'orders')?.value).toBe(10)
  })

  test('two instances share one budget', async () => {
    const shared = prefix()
    const rateLimit = { ...testConfig().rateLimit, orders: { points: 6, windowSec: 60 } }
    const a = await redisReady(context({ redisKeyPrefix: shared, rateLimit }))
    const b = await redisReady(context({ redisKeyPrefix: shared, rateLimit }))
    const u = await registerUser(a.api)
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await order(i % 2 ? a.api : b.api, u.accessToken)).status)
    expect(statuses.filter((s) => s === 404).length).toBe(6)
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true)
  })

  test('log-in is limited per account, whatever the address', async () => {
    const { api, deps } = await redisReady(context())
    const u = await registerUser(api)
    const { points } = deps.config.rateLimit.authAccount
    // Registration counted once against the account already.
    const tries = await Promise.all(Array.from({ length: points + 2 }, () => api('POST', '/v1/auth/login', { body: { email: u.email.toUpperCase(), password: 'wrong password!' } })))
    expect(tries.filter((r) => r.status === 401).length).toBe(points - 1)
    expect(tries.filter((r) => r.status === 429).length).toBe(3)
    // Even the right password is refused now: that is the point of a per-account budget.
    const right = await api('POST', '/v1/auth/login', { body: { email: u.email, password: u.password } })
    expect(right.status).toBe(429)
    expect(right.body.code).toBe('RATE_LIMITED')
  })

  test('probes are not counted; every /v1 answer carries the headers, errors included', async () => {
    const { api } = context()
    const health = await api('GET', '/healthz')
    expect(health.headers.get('ratelimit-limit')).toBeNull()
    const missing = await api('GET', '/v1/products/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')
    expect(missing.status).toBe(404)
    expectHeaders(missing.headers)
    const bad = await api('POST', '/v1/auth/login', { body: { email: 'nope' } })
    expect(bad.status).toBe(422)
    expectHeaders(bad.headers)
  })
})

describeWithRedisServer('rate limits when Redis fails', () => {
  const redis = redisServer(6390)
  beforeAll(() => redis.start())
  afterAll(() => redis.stop())

  test('Redis stopped mid-test: requests keep succeeding on the in-process limiter; Redis is used again after restart', async () => {
    const rateLimit = { ...testConfig().rateLimit, reads: { points: 1000, windowSec: 60 } }
    const ctx = context({ redisUrl: redis.url, rateLimit })
    const { api, deps } = ctx
    const u = await registerUser(api)
    const client = deps.backplane.client!
    const read = () => api('GET', '/v1/me', { token: u.accessToken })
    const fallbackActive = async () =>
      (await deps.metrics.registry.getSingleMetric('livedrop_redis_fallback_active')!.get()).values.find((v) => v.labels.component === 'rate_limit')?.value
    const counted = async () => Number(await client.get(`${deps.config.redisKeyPrefix}rl:reads:u:${u.user.id}`))

    await redisReady(ctx)
    for (let i = 0; i < 5; i++) expect((await read()).status).toBe(200)
    // Reads take their budget from Redis in leases of 1 % (10 of 1,000): one step served all five.
    expect(await counted()).toBe(10)
    expect(await fallbackActive()).toBe(0)

    await redis.stop()
    const t0 = performance.now()
    for (let i = 0; i < 20; i++) {
      const r = await read()
      expect(r.status).toBe(200)
      expectHeaders(r.headers)
    }
    // The first five came from the lease still held; then every request fails over to memory at once.
    // Never waiting on the dead Redis: far below 20 × the 200 ms command timeout.
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(await fallbackActive()).toBe(1)
    // The fallback still limits: a user over the (per-instance) budget is refused without Redis.
    const burst = await Promise.all(Array.from({ length: 1000 }, read))
    expect(burst.some((r) => r.status === 429)).toBe(true)

    await redis.start()
    for (let i = 0; i < 100 && client.status !== 'ready'; i++) await Bun.sleep(50)
    expect(client.status).toBe('ready')
    // Redis is used again once the breaker's background PING (every 500 ms) finds it back.
    for (let i = 0; i < 40 && deps.backplane.breaker.isOpen; i++) await Bun.sleep(50)
    expect(deps.backplane.breaker.isOpen).toBe(false)
    // The restarted Redis is empty: the counter starts over there.
    expect((await read()).status).toBe(200)
    expect((await read()).headers.get('ratelimit-remaining')).toBe('998')
    expect(await counted()).toBe(10)
    expect(await fallbackActive()).toBe(0)
  })

  test('Redis unreachable from the start: the app starts and serves', async () => {
    const { api } = context({ redisUrl: 'redis://127.0.0.1:6391' })
    const u = await registerUser(api)
    const r = await api('GET', '/v1/me', { token: u.accessToken })
    expect(r.status).toBe(200)
    expectHeaders(r.headers)
  })
})

describe('client address', () => {
  test('X-Forwarded-For is ignored unless the peer is a trusted proxy; then the right-most untrusted hop counts', () => {
    const none = proxyMatcher([])
    expect(clientIp('203.0.113.9', '1.2.3.4', none)).toBe('203.0.113.9')
    expect(clientIp('::ffff:10.0.0.2', null, none)).toBe('10.0.0.2')
    expect(clientIp(undefined, '1.2.3.4', none)).toBeUndefined()
    const lb = proxyMatcher(['10.0.0.0/8', '192.168.1.5'])
    // The client wrote "1.2.3.4" itself; the proxy appended the real peer 198.51.100.7.
    expect(clientIp('10.1.2.3', '1.2.3.4, 198.51.100.7', lb)).toBe('198.51.100.7')
    expect(clientIp('192.168.1.5', '198.51.100.7, 10.0.0.9', lb)).toBe('198.51.100.7')
    expect(clientIp('203.0.113.9', '198.51.100.7', lb)).toBe('203.0.113.9')
  })
})

describeWithRedis('leases', () => {
  test('instances leasing read budget from Redis never admit more than the limit together', async () => {
    const shared = prefix()
    const rateLimit = { ...testConfig().rateLimit, reads: { points: 500, windowSec: 60 } }
    const [a, b] = await Promise.all([redisReady(context({ redisKeyPrefix: shared, rateLimit })), redisReady(context({ redisKeyPrefix: shared, rateLimit }))])
    const u = await registerCreator(a.api)
    const product = await a.api('POST', '/v1/products', { token: u.accessToken, body: { title: 'Leased', priceCents: 1, currency: 'EUR' } })
    // A cached read, so that 700 concurrent requests measure the limiter, not the database pool.
    const all = await Promise.all(Array.from({ length: 700 }, (_, i) => (i % 2 ? a : b).api('GET', `/v1/products/${product.body.id}`, { token: u.accessToken })))
    const ok = all.filter((r) => r.status === 200).length
    // Leases of 5: never more than the limit (the invariant); fewer by what sits unused in leases when the
    // burst ends, a few leases' worth at most.
    expect(ok).toBeLessThanOrEqual(500)
    expect(ok).toBeGreaterThanOrEqual(500 - 4 * 5)
    expect(all.filter((r) => r.status === 429).length).toBe(700 - ok)
  })
})
