/**
 * `rush --compare`: in one run, on one machine, one database —
 *  1. pgbench's ceilings on the hot-row shape (one order per commit, and 50 per commit);
 *  2. the batched server (ORDER_BATCHING=true) stepped up to the highest rate that holds p95 (default 50 ms);
 *  3. reads of the hot drop during a rush of 2,000 orders/s: p95 and the drop cache's hit ratio (/metrics);
 *  4. the one-order-per-statement server (ORDER_BATCHING=false) stepped up the same way;
 * then the ratios. Both servers share the database, the seeded buyers and the JWT secret, and run one at a
 * time so that neither competes with the other for the two cores.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { as, assertUp, createApi, ok, type Api } from './api'
import { runLoad } from './engine'
import { pgbenchAvailable, pgbenchOrders, type PgbenchResult } from './pgbench'
import { machine, phaseReport, writeReport, type Check, type PhaseReport, type RunReport } from './report'
import { createDrop, newRunId, waitLive } from './seed'
import { REPO_ROOT, startServer, type StartedServer } from './server'
import { createHotDrop, prepareRush, rushOnce, type RushPrepared } from './scenarios/rush'
import { defaults, findMax, type RunOptions } from './run'

/** The rush engine's targets (issue: the rush engine). */
export const COMPARE_TARGETS = { ordersPerSec: 5000, p95Ms: 50, vsPgbenchPerTx: 4, readP95Ms: 10, readHitRatio: 0.95, readsAtOrdersPerSec: 2000 }

async function withServer<T>(runId: string, env: Record<string, string | undefined>, log: (s: string) => void, fn: (api: Api) => Promise<T>): Promise<T> {
  const server: StartedServer = await startServer(runId, { env, log })
  try {
    const api = createApi(server.url)
    await assertUp(api)
    return await fn(api)
  } finally {
    await server.stop()
  }
}

async function dropCacheCounters(api: Api): Promise<{ hits: number; misses: number }> {
  const res = await fetch(`${api.baseUrl}/metrics`)
  const text = await res.text()
  let hits = 0
  let misses = 0
  for (const line of text.split('\n')) {
    const m = /^livedrop_cache_(hits|misses)_total\{([^}]*)\} ([\d.e+]+)$/.exec(line)
    if (!m || !/cache="drop"/.test(m[2])) continue
    if (m[1] === 'hits') hits += Number(m[3])
    else misses += Number(m[3])
  }
  return { hits, misses }
}

/** GET /v1/drops/{id} of the hot drop at `readRate`/s while `orderRate` orders/s rush it. */
async function readsDuringRush(api: Api, runId: string, prepared: RushPrepared, orderRate: number, readRate: number, durationSec: number, log: (s: string) => void) {
  const hot = await createHotDrop(api, prepared, orderRate, durationSec)
  await waitLive(api, hot.id, hot.startsAt)
  log(`reads during a rush: ${readRate} reads/s of the hot drop next to ${orderRate} orders/s for ${durationSec}s…`)
  const before = await dropCacheCounters(api)
  const [reads, rush] = await Promise.all([
    runLoad({ baseUrl: api.baseUrl, rate: readRate, durationSec, expected: [200], next: () => ({ method: 'GET', path: `/v1/drops/${hot.id}`, name: 'GET /v1/drops/{id} (hot)' }) }),
    rushOnce(api, runId, prepared, orderRate, durationSec, { drop: hot, name: `rush ${orderRate}/s (with reads)` }),
  ])
  const after = await dropCacheCounters(api)
  const hits = after.hits - before.hits
  const misses = after.misses - before.misses
  return { reads: phaseReport('hot drop reads during the rush', reads), rush, hitRatio: hits + misses ? hits / (hits + misses) : 1, hits, misses }
}

export async function runCompare(o: RunOptions): Promise<{ report: RunReport; files?: { json: string; html: string } }> {
  const log = o.log ?? ((s: string) => console.error(s))
  const databaseUrl = o.serverEnv?.DATABASE_URL ?? process.env.DATABASE_URL
  if (!databaseUrl) throw new Error('rush --compare needs DATABASE_URL: pgbench and both servers measure the same database')
  if (!pgbenchAvailable()) throw new Error('rush --compare needs pgbench on the PATH (Debian: apt-get install postgresql-client)')
  const runId = newRunId()
  const startedAt = new Date().toISOString()
  const p95Ms = o.p95Ms ?? COMPARE_TARGETS.p95Ms
  const d = defaults({ ...o, findMax: true })
  // One JWT secret, so the buyers seeded through the first server can order from the second. The per-buyer order
  // budget is lifted: 1,000 buyers at 5,000 orders/s is 5/s each, and this measures the order path, not the limiter
  // (which still counts every order, at the same cost).
  const env = { ...o.serverEnv, DATABASE_URL: databaseUrl, JWT_SECRET: randomBytes(48).toString('base64url'), RATE_LIMIT_ORDERS: '1000000000/10' }
  const phases: PhaseReport[] = []
  const checks: Check[] = []
  const steps: NonNullable<RunReport['steps']> = []

  let prepared!: RushPrepared
  const ceilings: PgbenchResult[] = []
  const batched = await withServer(runId, { ...env, ORDER_BATCHING: 'true' }, log, async (api) => {
    prepared = await prepareRush(api, runId, d.users, log)
    const me = ok(await api.sdk.GET('/v1/me', as(prepared.creatorToken)), 'GET /v1/me')
    for (const batch of [1, 50]) {
      const drop = await createDrop(api, prepared.creatorToken, { productId: prepared.productId, initialStock: 1_000_000 })
      await waitLive(api, drop.id, drop.startsAt)
      log(`pgbench: ${batch === 1 ? 'one order' : `${batch} orders`} per statement and commit, 4 clients, hot row, 8 s…`)
      const r = pgbenchOrders(databaseUrl, { dropId: drop.id, userId: me.id, batch, clients: 4, seconds: 8 })
      log(`  ${r.ordersPerSec} orders/s (${r.tps} commits/s, latency ${r.latencyMs} ms)`)
      ceilings.push(r)
    }
    const fm = await findMax(api, runId, { ...o, scenario: 'rush', p95Ms, rate: o.rate ?? 2000 }, d, log, prepared)
    const reads = await readsDuringRush(api, runId, prepared, COMPARE_TARGETS.readsAtOrdersPerSec, 500, 10, log)
    return { fm, reads }
  })
  await new Promise((r) => setTimeout(r, 2000))
  const unbatched = await withServer(runId, { ...env, ORDER_BATCHING: 'false' }, log, (api) =>
    findMax(api, `${runId}u`, { ...o, scenario: 'rush', p95Ms, rate: 300 }, d, log, prepared))

  const held = batched.fm.maxRateHeld ?? 0
  const heldOld = unbatched.maxRateHeld ?? 0
  const perTx = ceilings[0]!.ordersPerSec
  const per50 = ceilings[1]!.ordersPerSec
  const heldPhase = batched.fm.phases[batched.fm.steps!.findIndex((s) => s.rate === held)]
  for (const [label, fm] of [['batched', batched.fm], ['one order per statement', unbatched]] as const) {
    fm.phases.forEach((p) => phases.push({ ...p, name: `${label} ${p.name}` }))
    steps.push(...fm.steps!)
    checks.push(...fm.checks.filter((c) => !c.speed).map((c) => ({ ...c, name: `${label}: ${c.name}` })))
  }
  phases.push(batched.reads.reads, batched.reads.rush.phase)
  checks.push(...batched.reads.rush.correctness.map((c) => ({ ...c, name: `reads run: ${c.name}` })))
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 100) / 100 : 0)
  checks.push(
    { name: `batched holds ≥ ${COMPARE_TARGETS.ordersPerSec} orders/s at p95 ≤ ${p95Ms} ms`, speed: true, ok: held >= COMPARE_TARGETS.ordersPerSec, detail: `held ${held}/s${heldPhase ? ` (p50 ${heldPhase.latency.p50}, p95 ${heldPhase.latency.p95}, p99 ${heldPhase.latency.p99} ms)` : ''}` },
    { name: `batched ≥ ${COMPARE_TARGETS.vsPgbenchPerTx}× pgbench one-order-per-transaction`, speed: true, ok: held >= COMPARE_TARGETS.vsPgbenchPerTx * perTx, detail: `${held} / ${perTx} = ${ratio(held, perTx)}×` },
    { name: 'batched vs one order per statement (same run)', speed: true, ok: held > heldOld, detail: `${held} / ${heldOld} = ${ratio(held, heldOld)}×` },
    { name: `hot drop reads during ${COMPARE_TARGETS.readsAtOrdersPerSec} orders/s: p95 ≤ ${COMPARE_TARGETS.readP95Ms} ms`, speed: true, ok: batched.reads.reads.latency.p95 <= COMPARE_TARGETS.readP95Ms, detail: `p95 ${batched.reads.reads.latency.p95} ms (p99 ${batched.reads.reads.latency.p99})` },
    { name: `hot drop cache hit ratio during the rush ≥ ${COMPARE_TARGETS.readHitRatio * 100} %`, speed: true, ok: batched.reads.hitRatio >= COMPARE_TARGETS.readHitRatio, detail: `${(batched.reads.hitRatio * 100).toFixed(2)} % (${batched.reads.hits} hits, ${batched.reads.misses} misses)` },
  )
  const extra = {
    pgbench: ceilings,
    batchedMaxHeld: held,
    unbatchedMaxHeld: heldOld,
    ratios: { batchedVsPgbenchPerTx: ratio(held, perTx), batchedVsPgbench50: ratio(held, per50), batchedVsUnbatched: ratio(held, heldOld) },
    readsDuringRush: { p95Ms: batched.reads.reads.latency.p95, hitRatio: batched.reads.hitRatio },
  }
  log(`\ncompare: pgbench 1/commit ${perTx}/s, 50/commit ${per50}/s; batched held ${held}/s (${ratio(held, perTx)}× pgbench 1/commit, ${ratio(held, per50)}× 50/commit); one-per-statement held ${heldOld}/s; batched/unbatched ${ratio(held, heldOld)}×`)
  const report: RunReport = {
    scenario: 'rush-compare',
    startedAt,
    target: 'two servers started by the runner, one after the other',
    server: `bun server/src/main.ts, PostgreSQL DATABASE_URL, Redis ${process.env.REDIS_URL ? 'REDIS_URL' : 'in-process stand-ins'}; ORDER_BATCHING=true then false`,
    machine: machine(),
    params: { ...d, p95Ms, users: d.users, runId, targets: COMPARE_TARGETS },
    phases,
    steps,
    maxRateHeld: held,
    extra,
    checks,
    pass: checks.every((c) => c.ok),
  }
  const files = o.write === false ? undefined : writeReport(report, o.resultsDir ?? join(REPO_ROOT, 'results'), { rush: p95Ms })
  return { report, files }
}
