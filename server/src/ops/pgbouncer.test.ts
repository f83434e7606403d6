import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, registerCreator, registerUser, testConfig, type TestContext } from '../../test/helpers'
import { request as call, startServer, type ServerProcess } from '../../test/processes'
import { hasPgBouncer, pgBouncer } from '../../test/pgbouncer'
import { readSse } from '../../test/sse'
import { createLogger } from '../logger'
import { createScheduler } from '../drops/scheduler'
import { createMaintenance } from './maintenance'
import { deleteExpiredKeys } from '../orders/repo'
import { openUserStream } from '../events/service'

/**
 * LiveDrop through a real PgBouncer in transaction pooling mode (port 6450 of the run's block, three server
 * connections for everything, servers on 3650-3651): A has a direct connection for its scheduler's LISTEN
 * (DATABASE_DIRECT_URL), B only the pooler (flagged by `?pgbouncer=true` on its URL) and polls.
 */
const direct = process.env.TEST_DATABASE_DIRECT_URL || process.env.TEST_DATABASE_URL!
const bouncer = pgBouncer(6450, direct, { poolSize: 3 })
let pooled: string
let ctx: TestContext
let A: ServerProcess
let B: ServerProcess

/** CI installs pgbouncer (.ci/run); elsewhere the suite says loudly that it did not run. */
function describeWithPgBouncer(name: string, fn: () => void) {
  if (!hasPgBouncer()) console.error(`SKIPPED: "${name}" needs the pgbouncer binary (apt-get install pgbouncer)`)
  return describe.skipIf(!hasPgBouncer())(name, fn)
}

describeWithPgBouncer('through PgBouncer (transaction pooling)', () => {
  beforeAll(async () => {
    await bouncer.start()
    pooled = bouncer.via(direct)
    ctx = createTestContext({ databaseUrl: pooled, dbPoolMode: 'transaction', dbPrepare: false, rateLimit: { ...testConfig().rateLimit, enabled: false } })
    const common = { RUN_SCHEDULER: 'true', DB_POOL_MAX: '10', DATABASE_POOL_MODE: '', DATABASE_DIRECT_URL: '' }
    ;[A, B] = await Promise.all([
      startServer(3650, { ...common, DATABASE_URL: pooled, DATABASE_POOL_MODE: 'transaction', DATABASE_DIRECT_URL: direct }),
      startServer(3651, { ...common, DATABASE_URL: `${pooled}${pooled.includes('?') ? '&' : '?'}pgbouncer=true` }),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([A?.stop(), B?.stop()])
    await ctx?.close()
    await bouncer.stop()
  }, 30_000)

  test('the servers run on three server connections: a drop created on B goes live on time via A\'s LISTEN, streams on both see it', async () => {
    const owner = await registerCreator(ctx.api)
    const product = await call(B.url, 'POST', '/v1/products', { token: owner.accessToken, body: { title: 'pooled', priceCents: 900, currency: 'EUR' } })
    expect(product.status).toBe(201)
    // Long after both schedulers went to sleep: only a wake-up (NOTIFY on A's direct connection) or B's poll moves it on time.
    await Bun.sleep(1500)
    const startsAt = Date.now() + 1200
    const drop = await call(B.url, 'POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(startsAt).toISOString(), initialStock: 5 } })
    expect(drop.status).toBe(201)
    const streams = await Promise.all([A, B].map(async (s) => readSse(await fetch(`${s.url}/v1/drops/${drop.body.id}/events`), `/v1/drops/${drop.body.id}/events`)))
    for (const s of streams) expect((await s.next(5000)).event).toBe('state')
    for (const s of streams) expect((await s.next(10_000)).event).toBe('drop.live')
    const [row] = await ctx.deps.sql<{ lateMs: number; actor: string }[]>`
      select (extract(epoch from (t.at - d.starts_at)) * 1000)::float8 as late_ms, t.actor
      from drops d join drop_transitions t on t.drop_id = d.id and t.to_status = 'live' where d.id = ${drop.body.id}`
    expect(row.lateMs).toBeGreaterThanOrEqual(0)
    expect(row.lateMs).toBeLessThan(1500)
    console.error(`[pgbouncer] drop went live ${Math.round(row.lateMs)} ms after its start (${row.actor})`)
    await Promise.all(streams.map((s) => s.close()))
  }, 30_000)

  test('a rush over both instances: exactly the stock is sold, retries replay, cancels restock, events reach the buyer', async () => {
    const owner = await registerCreator(ctx.api)
    const product = await call(A.url, 'POST', '/v1/products', { token: owner.accessToken, body: { title: 'rush', priceCents: 500, currency: 'EUR' } })
    const drop = await call(A.url, 'POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 800).toISOString(), initialStock: 60, perUserLimit: 4 } })
    const buyers = await Promise.all(Array.from({ length: 20 }, () => registerUser(ctx.api)))
    const me = await readSse(await fetch(`${B.url}/v1/me/events`, { headers: { authorization: `Bearer ${buyers[0].accessToken}` } }), '/v1/me/events')
    expect((await me.next(5000)).event).toBe('state')
    for (let i = 0; i < 100 && (await call(A.url, 'GET', `/v1/drops/${drop.body.id}`)).body.status !== 'live'; i++) await Bun.sleep(100)
    const attempts = buyers.flatMap((b, u) => Array.from({ length: 5 }, (_, i) => ({ b, key: `pgb-${u}-${i}-${crypto.randomUUID()}`, server: (u + i) % 2 ? A : B })))
    const send = (a: (typeof attempts)[number], server = a.server) =>
      call(server.url, 'POST', '/v1/orders', { token: a.b.accessToken, body: { dropId: drop.body.id, quantity: 1 }, headers: { 'idempotency-key': a.key } })
    const answers = await Promise.all(attempts.map((a) => send(a)))
    for (const r of answers) expect([201, 409], r.text).toContain(r.status)
    const sold = answers.filter((r) => r.status === 201)
    expect(sold).toHaveLength(60)
    // A retry of a confirmed key on the other instance replays the same order.
    const i = answers.findIndex((r) => r.status === 201)
    const replay = await send(attempts[i], attempts[i].server === A ? B : A)
    expect(replay.status).toBe(201)
    expect(replay.body.id).toBe(answers[i].body.id)
    // The buyer cancels one order: the stock comes back, the buyer's stream tells them on B.
    const mine = answers.filter((r, k) => r.status === 201 && attempts[k].b === buyers[0])
    expect(mine.length).toBeGreaterThan(0)
    const cancelled = await call(A.url, 'POST', `/v1/orders/${mine[0].body.id}/cancel`, { token: buyers[0].accessToken })
    expect(cancelled.status).toBe(200)
    const events = await me.collect((e) => e.event === 'order.cancelled', 10_000)
    const confirmedIds = events.filter((e) => e.event === 'order.confirmed').map((e) => e.data.data.order.id)
    expect(confirmedIds.sort()).toEqual(mine.map((r) => r.body.id).sort())
    await me.close()
    const audit = await auditOf(ctx, drop.body.id, owner.accessToken)
    expect(audit).toMatchObject({ initialStock: 60, availableStock: 1, confirmedQuantity: 59, invariantHolds: true })
    const [{ orders }] = await ctx.deps.sql<{ orders: number }[]>`select count(*)::int as orders from orders where drop_id = ${drop.body.id}`
    expect(orders).toBe(60)
  }, 60_000)

  test('200 personal streams opening at once on one instance: every connection has statements queued, none hangs', async () => {
    // Each opening runs three statements in a row (interests, outbox head, unread count). With postgres.js
    // pipelining them, PgBouncer handed a server connection on between a pipelined query's Parse and its Bind.
    await ctx.deps.live.start()
    const opened = await Promise.race([
      Promise.all(Array.from({ length: 200 }, () => openUserStream(ctx.deps, { userId: crypto.randomUUID(), sessionId: null, expiresAtMs: null }))),
      Bun.sleep(20_000).then(() => null),
    ])
    expect(opened).not.toBeNull()
    expect(opened!.every((r) => r.status === 200)).toBe(true)
    await Promise.all(opened!.map((r) => r.body?.cancel()))
  }, 30_000)

  test('the expiry sweep and the relay take their locks per transaction: nothing is left held on a pooled server connection', async () => {
    const u = await registerUser(ctx.api)
    const m = createMaintenance({ sql: ctx.deps.sql, log: ctx.deps.log, sweeps: [{ name: 'keys', batch: 5, run: deleteExpiredKeys }], pauseMs: 0 })
    // Other work keeps the three server connections changing hands meanwhile, as in production; a few passes
    // give a lock and its release every chance to land on different server connections.
    let busy = true
    const noise = Promise.all(Array.from({ length: 12 }, async () => {
      while (busy) await ctx.deps.sql`select pg_sleep(0.01)`
    }))
    let deleted = 0
    try {
      for (let pass = 0; pass < 5; pass++) {
        await ctx.deps.sql`insert into idempotency_keys (user_id, key, fingerprint, created_at)
          select ${u.user.id}, 'old-' || ${pass} || '-' || i, '\\x00', now() - interval '25 hours' from generate_series(1, 12) as i`
        const r = await m.pass()
        expect(r.ran).toBe(true)
        deleted += r.deleted.keys
      }
    } finally {
      busy = false
      await noise
    }
    expect(deleted).toBeGreaterThanOrEqual(60)
    // Seen from a direct connection: no advisory lock is held by anyone (a session lock taken through the
    // pooler would stay on whichever server connection ran it).
    const { default: postgres } = await import('postgres')
    const check = postgres(direct, { max: 1, onnotice: () => {} })
    try {
      await ctx.deps.live.relayTick()
      const [{ held }] = await check<{ held: number }[]>`select count(*)::int as held from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`
      expect(held).toBe(0)
    } finally {
      await check.end()
    }
  })

  test('without a direct connection the scheduler says so and polls every second', async () => {
    const warnings: string[] = []
    const log = createLogger({ logLevel: 'warn' })
    const capture = Object.assign(Object.create(log), { warn: (...args: unknown[]) => void warnings.push(String(args.at(-1))) })
    let reads = 0
    const scheduler = createScheduler({ sql: ctx.deps.sql, log: capture, actor: 'test', listenOn: null, nextDue: async () => (reads++, null) })
    await scheduler.start()
    await Bun.sleep(2600)
    await scheduler.stop()
    expect(warnings.some((w) => /DATABASE_DIRECT_URL/.test(w))).toBe(true)
    expect(reads).toBeGreaterThanOrEqual(3)
  })
})
