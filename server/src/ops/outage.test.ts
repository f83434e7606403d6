import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerUser, unique } from '../../test/helpers'
import { tcpProxy } from '../../test/tcp-proxy'

// PostgreSQL behind a proxy the test cuts and restores: the server must answer 503 quickly while the
// database is away, never hang, and heal by itself when it is back.
const target = new URL(process.env.TEST_DATABASE_URL!)
const proxy = tcpProxy(3511, { host: target.hostname, port: Number(target.port || 5432) })
proxy.start()
const ctx = createTestContext({ databaseUrl: proxy.via(process.env.TEST_DATABASE_URL!), redisKeyPrefix: `${unique('outage')}:` })
// Closing a pool that lived through an outage can take the pool's own 5 s end timeout.
afterAll(async () => {
  await ctx.close()
  proxy.close()
}, 15_000)

describe('PostgreSQL outage', () => {
  test('unreachable → 503 SERVICE_UNAVAILABLE with Retry-After within bounded time; recovers by itself', async () => {
    const { api } = ctx
    const u = await registerUser(api)
    expect((await api('GET', '/v1/me', { token: u.accessToken })).status).toBe(200)

    proxy.stop()
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      const r = await api('GET', '/v1/me', { token: u.accessToken })
      const ms = performance.now() - t0
      expect(r.status).toBe(503)
      expect(r.body.code).toBe('SERVICE_UNAVAILABLE')
      expect(r.headers.get('content-type')).toContain('application/problem+json')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      // Refused connections fail at once; the connect timeout (5 s) bounds the worst case.
      expect(ms).toBeLessThan(5500)
    }
    const ready = await api('GET', '/readyz')
    expect(ready.status).toBe(503)
    expect(ready.body.checks.postgres).toBe('down')

    proxy.start()
    let back = 0
    for (let i = 0; i < 50 && back !== 200; i++) {
      back = (await api('GET', '/v1/me', { token: u.accessToken })).status
      if (back !== 200) await Bun.sleep(100)
    }
    expect(back).toBe(200)
    expect((await api('GET', '/readyz')).status).toBe(200)
    // The whole pool heals, not just one connection: a pool-wide burst is served promptly (reconnect
    // backoff is capped at 1 s; postgres.js's default grows to 20 s per connection).
    const t0 = performance.now()
    const burst = await Promise.all(Array.from({ length: ctx.deps.config.dbPoolMax * 2 }, () => api('GET', '/v1/me', { token: u.accessToken })))
    expect(burst.every((r) => r.status === 200)).toBe(true)
    expect(performance.now() - t0).toBeLessThan(2500)
  })

  test('backends terminated (a restart) → the next request is served on a fresh connection', async () => {
    const { api, deps } = ctx
    const u = await registerUser(api)
    // Open every connection of this instance's pool at once to learn their backends (and only theirs: other
    // suites share the database), then end them as a restarting server would.
    const pids = await Promise.all(Array.from({ length: deps.config.dbPoolMax }, async () => (await deps.sql`select pg_backend_pid() as pid, pg_sleep(0.05)`)[0].pid as number))
    const admin = createTestContext({ redisKeyPrefix: `${unique('outage')}:` })
    try {
      const ended = await admin.deps.sql`select pg_terminate_backend(pid) as ok from unnest(${[...new Set(pids)]}::int[]) as pid`
      expect(ended.every((r) => r.ok)).toBe(true)
    } finally {
      await admin.close()
    }
    // Statements that meet a dead pooled connection run again on the next one (db.ts): no 503.
    const first = await api('GET', '/v1/me', { token: u.accessToken })
    expect(first.status).toBe(200)
    expect((await deps.sql`select 1 as one`)[0].one).toBe(1)
  })
})

describe('silent network partition', () => {
  test('PostgreSQL stops answering without closing → 503 at the request deadline, not minutes later; heals after', async () => {
    const silent = tcpProxy(3512, { host: target.hostname, port: Number(target.port || 5432) })
    silent.start()
    const c = createTestContext({ databaseUrl: silent.via(process.env.TEST_DATABASE_URL!), requestTimeoutMs: 1000, redisKeyPrefix: `${unique('partition')}:` })
    try {
      const u = await registerUser(c.api)
      expect((await c.api('GET', '/v1/me', { token: u.accessToken })).status).toBe(200)

      silent.freeze()
      const t0 = performance.now()
      const r = await c.api('GET', '/v1/me', { token: u.accessToken, headers: { 'x-request-id': 'partition-1' } })
      const ms = performance.now() - t0
      expect(r.status).toBe(503)
      expect(r.body.code).toBe('SERVICE_UNAVAILABLE')
      expect(r.body.requestId).toBe('partition-1')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(ms).toBeGreaterThanOrEqual(900)
      expect(ms).toBeLessThan(3000)

      // The partition ends with the stuck connections reset; the pool reconnects by itself.
      silent.stop()
      silent.start()
      let status = 0
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await c.api('GET', '/v1/me', { token: u.accessToken })).status
        if (status !== 200) await Bun.sleep(200)
      }
      expect(status).toBe(200)
    } finally {
      silent.stop()
      await c.close()
      silent.close()
    }
  }, 30_000)
})
