import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestContext, describeWithRedisServer, registerCreator, registerUser, unique, type TestContext } from '../../test/helpers'
import { redisServer } from '../../test/processes'

// The line lives in Redis only. When Redis hangs (SIGSTOP: connections open, nothing answers), the waiting room
// fails closed — joins, places, streams and orders on queued drops are a 503 with Retry-After — and, behind the
// Redis breaker, only the first call waits out the 200 ms command timeout: the rest fail at once. When Redis
// answers again everybody is where they were, and no admission is spent twice.
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()
const idem = () => ({ 'idempotency-key': crypto.randomUUID() })

describeWithRedisServer('waiting room while Redis hangs (SIGSTOP)', () => {
  const redis = redisServer(6398)
  let ctx: TestContext
  beforeAll(async () => {
    await redis.start()
    ctx = createTestContext({ redisUrl: redis.url, redisKeyPrefix: `${unique('qstall')}:`, queue: { tokenSecret: 'queue-stall-secret-0123456789abcdef012345', tickMs: 50 } })
    // The client connects lazily: wait until it answers.
    for (let i = 0; i < 100 && !(await ctx.deps.backplane.ping()); i++) await Bun.sleep(50)
  })
  afterAll(async () => {
    redis.resume()
    await ctx?.close()
    await redis.stop()
  })

  test('fails closed at once (503 + Retry-After), keeps every place, admits nobody twice', async () => {
    const { api, deps } = ctx
    const owner = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Hot', priceCents: 500, currency: 'EUR' } })
    const drop = (await api('POST', '/v1/drops', {
      token: owner.accessToken,
      body: {
        productId: product.body.id, startsAt: inMs(60_000), initialStock: 10,
        access: { mode: 'queue', admitPerSecond: 1, preQueueSeconds: 600, admissionTtlSeconds: 600 },
      },
    })).body
    const users = await Promise.all(Array.from({ length: 4 }, () => registerUser(api)))
    const [first, ...rest] = users
    const late = await registerUser(api)
    const join = (token: string) => api('POST', `/v1/drops/${drop.id}/queue`, { token })
    const place = (token: string) => api('GET', `/v1/drops/${drop.id}/queue`, { token })
    const order = (token: string, admission: string, headers = idem()) =>
      api('POST', '/v1/orders', { token, body: { dropId: drop.id, quantity: 1 }, headers: { ...headers, 'admission-token': admission } })

    // One buyer joins first after the start (FIFO), so that the line's order is known.
    await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.id}`
    await deps.scheduler.tick()
    for (const u of users) expect((await join(u.accessToken)).status).toBe(200)
    await deps.queue.tick() // a rate of 1/s: the first buyer only
    const admitted = (await place(first.accessToken)).body
    expect(admitted.status).toBe('admitted')
    const before = await Promise.all(rest.map(async (u) => (await place(u.accessToken)).body.position))
    expect(before).toEqual([1, 2, 3])

    redis.pause()
    try {
      // The first call finds out (bounded by the command timeout); every later one fails at once.
      const t0 = performance.now()
      const refused = await join(late.accessToken)
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('1')
      expect(refused.body.code).toBe('SERVICE_UNAVAILABLE')
      expect(performance.now() - t0).toBeLessThan(1500)
      const t1 = performance.now()
      for (let i = 0; i < 20; i++) {
        const r = await (i % 2 ? place(rest[0].accessToken) : join(late.accessToken))
        expect([r.status, r.headers.get('retry-after')]).toEqual([503, '1'])
      }
      // Without the breaker each of these waited for its own 200 ms timeout (≥ 4 s in all).
      expect(performance.now() - t1).toBeLessThan(2000)
      // Orders on the queued drop fail closed too (no admission can be checked or spent) — never a 500.
      const held = await order(first.accessToken, admitted.admission.token)
      expect([held.status, held.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE'])
      const stream = await ctx.app.handle(new Request(`http://localhost/v1/drops/${drop.id}/queue/events`, { headers: { authorization: `Bearer ${rest[0].accessToken}` } }))
      expect(stream.status).toBe(503)
      // The admitter cannot run either: nobody is admitted behind the store's back.
      await deps.queue.tick().catch(() => {})
      const stats = await api('GET', `/v1/drops/${drop.id}/queue/stats`, { token: owner.accessToken })
      expect(stats.status).toBe(503)
    } finally {
      redis.resume()
    }

    // The breaker's probe finds Redis again (within a few probe periods).
    let back = await join(late.accessToken)
    for (let i = 0; i < 50 && back.status === 503; i++) {
      await Bun.sleep(100)
      back = await join(late.accessToken)
    }
    expect(back.status).toBe(200)
    // Everybody kept their place; the late joiner is behind them.
    const after = await Promise.all(rest.map(async (u) => (await place(u.accessToken)).body.position))
    expect(after).toEqual([1, 2, 3])
    expect(back.body.position).toBe(4)
    // The admission survived the outage and is spent once.
    const bought = await order(first.accessToken, admitted.admission.token)
    expect(bought.status).toBe(201)
    const twice = await order(first.accessToken, admitted.admission.token)
    expect([twice.status, twice.body.code]).toEqual([403, 'ADMISSION_USED'])
    const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from orders where drop_id = ${drop.id}`
    expect(n).toBe(1)
    expect((await place(first.accessToken)).body.status).toBe('bought')
  })
})
