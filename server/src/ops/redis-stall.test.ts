import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestContext, describeWithRedisServer, liveDrop, registerUser, unique, type TestContext } from '../../test/helpers'
import { redisServer, startServer, type ServerProcess } from '../../test/processes'

// A hung Redis (SIGSTOP: connections open, nothing answers) behind a real server process with rate limits and
// the cache on. Before the breaker, every request that needed Redis waited for its own 200 ms timeout and
// lease waiters retried one after another: reads of one client fell to ~5/s (p99 6.5 s for a 10 s stall).
// Now the first timeout opens the breaker and everything uses the in-process fallbacks until a PING answers.
const STALL_MS = 6000
const PHASE_MS = 5000

describeWithRedisServer('Redis hangs (SIGSTOP)', () => {
  const redis = redisServer(6396)
  let server: ServerProcess
  let ctx: TestContext
  beforeAll(async () => {
    await redis.start()
    server = await startServer(3532, {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${unique('stall')}:`,
      RATE_LIMIT_ENABLED: 'true',
      // All load comes from one address: reads are counted in Redis in leased batches of 100, as by default, under
      // a budget no phase can spend (the default 60,000 per 10 s was reached by a quick machine's stalled phase —
      // 61,892 reads — and its 429s are the limiter working, not a failure). Orders stay below 100 per window so
      // that each is counted in Redis one by one (no lease), as by default: every order makes a Redis round trip.
      // The window is 1 s: a quick machine places ~200 orders per buyer in a 5 s phase (batched orders answer in
      // 2 ms), which a 10 s window of 99 refuses — the limiter working again — while 99 per second none reaches.
      RATE_LIMIT_READS: '100000000/10',
      RATE_LIMIT_ORDERS: '99/1',
      RUN_SCHEDULER: 'false',
    })
    ctx = createTestContext({ redisKeyPrefix: `${unique('stall')}:` })
  })
  afterAll(async () => {
    redis.resume()
    await server?.stop()
    await ctx?.close()
    await redis.stop()
  })

  async function readyz() {
    const res = await fetch(`${server.url}/readyz`)
    return { status: res.status, body: (await res.json()) as { status: string; checks: { postgres: string; redis: string } } }
  }
  async function fallbackGauge() {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    return Number(/^livedrop_redis_fallback_active\{component="redis"\} (\d+)$/m.exec(text)?.[1])
  }

  /** Reads of the drop (6 loops) and orders (4 loops, each cycling through its buyers) for `ms`. → latencies */
  async function load(dropId: string, tokens: string[][], ms: number) {
    const reads: number[] = []
    const orders: number[] = []
    const statuses = new Map<number, number>()
    const until = performance.now() + ms
    const timed = async (into: number[], req: () => Promise<Response>) => {
      const t0 = performance.now()
      const res = await req()
      await res.arrayBuffer()
      into.push(performance.now() - t0)
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    }
    await Promise.all([
      ...Array.from({ length: 6 }, async () => {
        while (performance.now() < until) await timed(reads, () => fetch(`${server.url}/v1/drops/${dropId}`))
      }),
      ...tokens.map(async (buyers) => {
        for (let i = 0; performance.now() < until; i++) {
          const token = buyers[i % buyers.length]
          await timed(orders, () => fetch(`${server.url}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
            body: JSON.stringify({ dropId, quantity: 1 }),
          }))
        }
      }),
    ])
    const summary = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b)
      const at = (q: number) => s[Math.floor(q * (s.length - 1))]
      return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] }
    }
    return { reads: summary(reads), orders: summary(orders), statuses }
  }

  test('reads and orders keep their p99 through the stall; /readyz says degraded (200); all heals after', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 100_000, perUserLimit: 1000 })
    // 6 buyers per order loop: none reaches its 99 orders per second (nor the 1,000-unit per-buyer limit).
    const users = await Promise.all(Array.from({ length: 24 }, async () => (await registerUser(ctx.api)).accessToken))
    const tokens = [0, 1, 2, 3].map((i) => users.slice(i * 6, i * 6 + 6))
    expect((await readyz()).body.status).toBe('ready')

    const base = await load(drop.id, tokens, PHASE_MS)
    expect([...base.statuses.keys()]).toEqual(expect.arrayContaining([200, 201]))

    redis.pause()
    const stallEnd = performance.now() + STALL_MS
    const stalled = await load(drop.id, tokens, PHASE_MS)
    const ready = await readyz()
    const gauge = await fallbackGauge()
    await Bun.sleep(Math.max(0, stallEnd - performance.now()))
    redis.resume()

    const fmt = (s: typeof base.reads) => `n=${s.n} p50=${s.p50.toFixed(1)} p99=${s.p99.toFixed(1)} max=${s.max.toFixed(0)} ms`
    console.error(`[redis-stall] baseline: reads ${fmt(base.reads)}, orders ${fmt(base.orders)}; stalled: reads ${fmt(stalled.reads)}, orders ${fmt(stalled.orders)}`)
    // Nothing failed or was refused while Redis hung: the fallbacks served.
    expect([...stalled.statuses.keys()].sort()).toEqual([200, 201])
    // ≤ 2× baseline, with a floor of 150 ms for a shared 2-core machine's noise on millisecond baselines: still
    // below the 200 ms that each order waited without the breaker (reads queued for seconds: p99 1.7 s).
    expect(stalled.reads.p99).toBeLessThan(Math.max(2 * base.reads.p99, 150))
    expect(stalled.orders.p99).toBeLessThan(Math.max(2 * base.orders.p99, 150))
    // Ready means "can serve": degraded with Redis down, not 503 on every instance.
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'degraded', checks: { postgres: 'up', redis: 'down' } })
    expect(gauge).toBe(1)

    // The probe closes the breaker by itself once Redis answers.
    let back = await readyz()
    for (let i = 0; i < 50 && back.body.status !== 'ready'; i++) {
      await Bun.sleep(100)
      back = await readyz()
    }
    expect(back).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: 'up', redis: 'up' } } })
    expect(await fallbackGauge()).toBe(0)
  }, 60_000)
})
