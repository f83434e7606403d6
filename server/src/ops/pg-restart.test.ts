import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createSql, migrate } from '../db'
import { postgresServer, startServer, type ServerProcess } from '../../test/processes'

// A private PostgreSQL that the test really restarts (fast: sessions end with 57P01; immediate: backends are
// killed) and whose backends it terminates, under steady HTTP load on a real server process. Before: requests failed
// on dead pooled connections after Postgres was back (57P01, a reset or closed socket), some hung until the
// request deadline (a statement written between a socket's error and its close was never answered), and an
// immediate restart could kill the process (postgres.js wrote to a socket it had already dropped).
const pg = postgresServer(5470)
let server: ServerProcess
let token: string
const POOL = 8

beforeAll(async () => {
  await pg.start()
  const sql = createSql(pg.url, { dbPoolMax: 1, dbStatementTimeoutMs: 60_000 })
  await migrate(sql)
  await sql.end()
  server = await startServer(3542, { DATABASE_URL: pg.url, REDIS_URL: '', DB_POOL_MAX: String(POOL), RUN_SCHEDULER: 'false' })
  const res = await fetch(`${server.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `restart_${Date.now()}`, email: `restart${Date.now()}@example.test`, password: 'correct horse battery' }),
  })
  expect(res.status).toBe(201)
  token = ((await res.json()) as { accessToken: string }).accessToken
}, 60_000)
afterAll(async () => {
  await server?.stop()
  // The server's stderr holds only its banner, unless it died: then show why.
  const stderr = server ? server.output() : ''
  if (/error/i.test(stderr)) console.error(`[pg-restart] server stderr:\n${stderr.slice(0, 4000)}`)
  await pg.destroy()
}, 30_000)

/** GET /v1/me on the server → status (0: no answer, e.g. the process died), and the problem's code and detail when it failed */
async function me(): Promise<{ status: number; problem?: string }> {
  try {
    const r = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    const text = await r.text()
    return r.status === 200 ? { status: 200 } : { status: r.status, problem: text.slice(0, 300) }
  } catch (err) {
    return { status: 0, problem: String(err) }
  }
}

interface Outcome { at: number; ms: number; status: number; problem?: string }

/** `loops` clients calling /v1/me back to back until stop() → every answer with its start time. */
function steadyLoad(loops: number) {
  const outcomes: Outcome[] = []
  let running = true
  const done = Promise.all(Array.from({ length: loops }, async () => {
    while (running) {
      const at = performance.now()
      const { status, problem } = await me()
      outcomes.push({ at, ms: performance.now() - at, status, ...(problem ? { problem } : {}) })
      // While Postgres is away the answers are fast 503s: do not spin.
      if (status !== 200) await Bun.sleep(20)
    }
  }))
  return { outcomes, stop: async () => ((running = false), await done) }
}

async function warmPool() {
  await Promise.all(Array.from({ length: POOL * 2 }, () => me()))
}

function expectServedAfter(outcomes: Outcome[], since: number) {
  const after = outcomes.filter((o) => o.at >= since)
  expect(after.length).toBeGreaterThan(20)
  expect(after.filter((o) => o.status !== 200)).toEqual([])
  // The 5 s bound: no request waits on a dead connection or a connect timeout.
  expect(Math.max(...after.map((o) => o.ms))).toBeLessThan(5000)
}

describe('PostgreSQL restarts under load', () => {
  for (const mode of ['fast', 'immediate'] as const) {
    test(`${mode} restart: the first request after Postgres is back succeeds, and every later one`, async () => {
      await warmPool()
      const load = steadyLoad(12)
      await Bun.sleep(300)
      await pg.stop(mode)
      await Bun.sleep(300)
      await pg.start()
      const back = performance.now()
      expect(await me()).toEqual({ status: 200 })
      // A burst over the whole pool right away: no pooled connection is left dead.
      const burst = await Promise.all(Array.from({ length: POOL * 2 }, () => me()))
      expect(burst).toEqual(burst.map(() => ({ status: 200 })))
      await Bun.sleep(1500)
      await load.stop()
      expectServedAfter(load.outcomes, back)
      // While Postgres was down, requests failed fast (503): none hung on a connection that died mid-write.
      expect(Math.max(...load.outcomes.map((o) => o.ms))).toBeLessThan(5000)
    }, 60_000)
  }

  test('pg_terminate_backend of every pooled connection: no request fails, none hangs', async () => {
    await warmPool()
    const load = steadyLoad(12)
    await Bun.sleep(300)
    const start = performance.now()
    // The admin's own session carries the same application name (createSql): it spares itself.
    const admin = createSql(pg.url, { dbPoolMax: 1, dbStatementTimeoutMs: 5000 })
    try {
      for (let i = 0; i < 3; i++) {
        const ended = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'livedrop' and pid <> pg_backend_pid()`
        // Later rounds end whatever the pool has reconnected by then (on a loaded machine, maybe nothing yet).
        if (i === 0) expect(ended.length).toBeGreaterThan(0)
        await Bun.sleep(500)
      }
    } finally {
      await admin.end()
    }
    await load.stop()
    // Postgres never stopped accepting: every request of the whole run must have been served.
    expectServedAfter(load.outcomes, start)
  }, 60_000)
})
