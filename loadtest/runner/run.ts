/**
 * One run of a scenario: start a server unless a target is given, seed through the API, drive the load (or
 * step it up with find-max), check the targets and the audit, report. Returns the report; the CLI prints it
 * and turns `pass` into the exit code, the CI smoke test asserts on it.
 */
import { join } from 'node:path'
import { QUEUE_PLAN, queuePreQueueSec, TARGETS, WORKLOADS, type ScenarioName } from '../workloads'
import { assertUp, createApi, type Api } from './api'
import { machine, phaseReport, table, writeReport, type Check, type PhaseReport, type RunReport } from './report'
import { newRunId, seedCatalog, type Seeded } from './seed'
import { REPO_ROOT, startServer, type StartedServer } from './server'
import { browseLoad, browsePhase, prepareBrowse } from './scenarios/browse'
import { createHotDrop, prepareRush, rushOnce, type RushPrepared } from './scenarios/rush'
import { measureLive, sseLeadSec, sseOnce } from './scenarios/sse'
import { queueOnce } from './scenarios/queue'

export interface RunOptions {
  scenario: ScenarioName
  /** arrivals per second: reads for browse and drop-day, order attempts for rush */
  rate?: number
  /** drop-day: order attempts per second next to the reads */
  orderRate?: number
  durationSec?: number
  /** base URL of a running server; none: start one */
  target?: string
  findMax?: boolean
  users?: number
  subscribers?: number
  connections?: number
  /** seconds of unrecorded load before measuring (warms the server's JIT, its pools and the connections) */
  warmupSec?: number
  resultsDir?: string
  /** write results/<scenario>-<time>.{json,html} */
  write?: boolean
  /** find-max: the p95 a step must hold (default: the scenario's target) */
  p95Ms?: number
  /** rush: batched and one-order-per-statement servers back to back, next to pgbench's ceilings (compare.ts) */
  compare?: boolean
  /** environment for a started server (on top of process.env) */
  serverEnv?: Record<string, string | undefined>
  log?: (line: string) => void
}

const load = WORKLOADS.load

export function defaults(o: RunOptions) {
  const sc = o.scenario
  return {
    rate: o.rate ?? (sc === 'rush' ? load.rush.rate : sc === 'drop-day' ? 1000 : load.browse.rate),
    orderRate: o.orderRate ?? load.rush.rate,
    durationSec: o.durationSec ?? (o.findMax ? 10 : sc === 'rush' ? load.rush.durationSec : load.browse.durationSec),
    users: o.users ?? (o.scenario === 'rush' || o.scenario === 'drop-day' ? 1000 : 0),
    subscribers: o.subscribers ?? (sc === 'sse' ? load.sseSubscribers : sc === 'drop-day' ? 500 : 0),
    warmupSec: o.warmupSec ?? 2,
  }
}

export async function run(o: RunOptions): Promise<{ report: RunReport; files?: { json: string; html: string } }> {
  const log = o.log ?? ((s: string) => console.error(s))
  const d = defaults(o)
  const runId = newRunId()
  const startedAt = new Date().toISOString()
  let server: StartedServer | null = null
  let onSignal: ((signal: NodeJS.Signals) => void) | null = null
  try {
    if (!o.target) {
      log('starting a LiveDrop server for this run…')
      server = await startServer(runId, { env: o.serverEnv, log })
      // Ctrl-C or a SIGTERM mid-run must not leave the server (and its database pool) running.
      const started = server
      onSignal = (signal) => {
        log(`${signal}: stopping the server…`)
        void started.stop().finally(() => process.exit(130))
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
    }
    const api = createApi((o.target ?? server!.url).replace(/\/$/, ''))
    await assertUp(api)
    const base: Omit<RunReport, 'phases' | 'checks' | 'pass'> = {
      scenario: o.findMax ? `${o.scenario}-find-max` : o.scenario,
      startedAt,
      target: api.baseUrl,
      server: server?.description ?? 'external target (--target)',
      machine: machine(),
      params: { ...d, findMax: Boolean(o.findMax), connections: o.connections ?? 'auto (rate / 10)', runId },
    }
    const body = o.findMax ? await findMax(api, runId, o, d, log) : await once(api, runId, o, d, log)
    const report: RunReport = { ...base, ...body, pass: body.checks.every((c) => c.ok) }
    const files = o.write === false ? undefined : writeReport(report, o.resultsDir ?? join(REPO_ROOT, 'results'), { browse: TARGETS.browse.p95Ms, rush: TARGETS.rush.p95Ms, sse: TARGETS.sse.maxMs })
    return { report, files }
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    await server?.stop()
  }
}

export type Body = Pick<RunReport, 'phases' | 'checks'> & Partial<Pick<RunReport, 'steps' | 'maxRateHeld' | 'extra'>>

async function once(api: Api, runId: string, o: RunOptions, d: ReturnType<typeof defaults>, log: (s: string) => void): Promise<Body> {
  switch (o.scenario) {
    case 'browse': {
      const seed = await prepareBrowse(api, runId)
      await warmup(api, seed, d.rate, d.warmupSec, o.connections, log)
      log(`browse: ${d.rate} req/s for ${d.durationSec}s…`)
      const { phase, checks } = browsePhase(await browseLoad(api.baseUrl, seed, d.rate, d.durationSec, o.connections))
      return { phases: [phase], checks }
    }
    case 'rush': {
      const prepared = await prepareRush(api, runId, d.users, log)
      await warmup(api, await seedCatalog(api, `${runId}w`, { products: 1, drops: 1 }), d.rate, d.warmupSec, o.connections, log)
      log(`rush: ${d.rate} orders/s for ${d.durationSec}s from ${prepared.users.length} buyers…`)
      const r = await rushOnce(api, runId, prepared, d.rate, d.durationSec, { connections: o.connections })
      return { phases: [r.phase], checks: r.checks, extra: { audit: r.audit } }
    }
    case 'sse': {
      const seed = await seedCatalog(api, runId, { products: 1, drops: 0 })
      log(`sse: ${d.subscribers} subscribers on one drop…`)
      const r = await sseOnce(api, seed, d.subscribers)
      return { phases: [], checks: r.checks, extra: { sse: sseExtra(r) } }
    }
    case 'drop-day':
      return dropDay(api, runId, o, d, log)
    case 'queue': {
      // --users sets the arrivals (distinct buyers); --subscribers the buyers holding a real queue stream.
      const plan = o.users !== undefined && o.users <= QUEUE_PLAN.smoke.arrivals ? QUEUE_PLAN.smoke : QUEUE_PLAN.load
      const arrivals = o.users ?? plan.arrivals
      return queueOnce(api, runId, { ...plan, arrivals, preQueueSec: queuePreQueueSec({ ...plan, arrivals }), observers: o.subscribers ?? plan.observers, log })
    }
  }
}

/**
 * A short unrecorded run of storefront reads before the measured one: the first second of a cold server
 * (JIT, database pool, a hundred new TCP connections from the generator at once) is a harness artifact, not the
 * steady state the targets are about. --warmup 0s measures from cold.
 */
async function warmup(api: Api, seed: Seeded, rate: number, sec: number, connections: number | undefined, log: (s: string) => void) {
  if (sec <= 0) return
  log(`warm-up: ${sec}s of reads (not recorded)…`)
  await browseLoad(api.baseUrl, seed, rate, sec, connections)
}

function sseExtra(r: Awaited<ReturnType<typeof measureLive>>) {
  return { subscribers: r.subscribers, connected: r.connected, delivered: r.delivered, latencyMsAfterStartsAt: r.latency, latencyMsAfterEventCreatedAt: r.fromEvent, fanOutSpreadMs: r.spreadMs, connectSec: Math.round(r.connectSec * 10) / 10, deliveryPercentilesMs: r.percentiles }
}

/**
 * drop-day: the storefront is busy (browse at `rate`), followers wait on the hot drop's stream, the drop goes
 * live and the rush starts (orders at `orderRate`) while the reads go on. One report, a phase per traffic.
 */
async function dropDay(api: Api, runId: string, o: RunOptions, d: ReturnType<typeof defaults>, log: (s: string) => void): Promise<Body> {
  const seed = await seedCatalog(api, runId)
  const prepared = await prepareRush(api, `${runId}r`, d.users, log)
  await warmup(api, seed, d.rate, d.warmupSec, o.connections, log)
  // the hot drop starts once the subscribers are connected and the reads are under way
  const lead = d.subscribers > 0 ? sseLeadSec(d.subscribers) + 1 : 3
  const hot = await createHotDrop(api, prepared, d.orderRate, d.durationSec, lead)
  log(`drop-day: ${d.rate} reads/s, ${d.subscribers} subscribers, then ${d.orderRate} orders/s for ${d.durationSec}s…`)
  const [browse, rush, sse] = await Promise.all([
    browseLoad(api.baseUrl, seed, d.rate, d.durationSec + lead, o.connections),
    rushOnce(api, runId, prepared, d.orderRate, d.durationSec, { drop: hot, name: 'rush' }),
    d.subscribers > 0 ? measureLive(api.baseUrl, hot.id, hot.startsAt, d.subscribers) : Promise.resolve(null),
  ])
  const b = browsePhase(browse)
  return {
    phases: [b.phase, rush.phase],
    checks: [...b.checks, ...rush.checks, ...(sse?.checks ?? [])],
    extra: { audit: rush.audit, ...(sse ? { sse: sseExtra(sse) } : {}) },
  }
}

/**
 * Steps the rate up by 25 % per step (each step `durationSec` long, a fresh hot drop per rush step) until p95,
 * the failed-request rate or on-time sending breaks its target, bisects between the last rate held and the
 * first broken, and reports the highest rate that held.
 * Correctness (audit, idempotency) must hold at every step, whatever the speed.
 */
export async function findMax(api: Api, runId: string, o: RunOptions, d: ReturnType<typeof defaults>, log: (s: string) => void, given?: RushPrepared): Promise<Body> {
  if (o.scenario !== 'browse' && o.scenario !== 'rush') throw new Error('--find-max applies to browse and rush')
  const base = o.scenario === 'browse' ? TARGETS.browse : TARGETS.rush
  const target = { ...base, p95Ms: o.p95Ms ?? base.p95Ms }
  const seed = o.scenario === 'browse' ? await prepareBrowse(api, runId) : null
  const prepared = o.scenario === 'rush' ? given ?? (await prepareRush(api, runId, d.users, log)) : null
  await warmup(api, seed ?? (await seedCatalog(api, `${runId}w`, { products: 1, drops: 1 })), o.rate ?? Math.round(d.rate / 2), d.warmupSec, o.connections, log)
  const steps: NonNullable<RunReport['steps']> = []
  const phases: PhaseReport[] = []
  const correctness: Check[] = []
  let rate = o.rate ?? Math.round(d.rate / 2)
  let held: number | null = null
  let lowest = Infinity
  for (let i = 0; i < 25; i++) {
    log(`find-max: ${rate}/s for ${d.durationSec}s…`)
    let phase: PhaseReport
    if (seed) {
      phase = phaseReport(`step ${steps.length + 1}`, await browseLoad(api.baseUrl, seed, rate, d.durationSec, o.connections))
    } else {
      const r = await rushOnce(api, runId, prepared!, rate, d.durationSec, { connections: o.connections, name: `step ${steps.length + 1}` })
      phase = r.phase
      correctness.push(...r.correctness.map((c) => ({ ...c, name: `${rate}/s ${c.name}` })))
    }
    phases.push(phase)
    const ok = phase.latency.p95 <= target.p95Ms && phase.errorRate <= target.maxErrorRate && phase.late <= TARGETS.maxDroppedRatio * phase.sent
    steps.push({ rate, p95: phase.latency.p95, errorRate: phase.errorRate, late: phase.late, held: ok })
    log(`  p95 ${phase.latency.p95} ms, failed ${(phase.errorRate * 100).toFixed(2)} %, late ${phase.late}: ${ok ? 'held' : 'broke'}`)
    if (ok) held = Math.max(held ?? 0, rate)
    else lowest = Math.min(lowest, rate)
    // Up by 25 % while every step holds; once one breaks, bisect between the best held and the lowest broken
    // rate until they are within 6 % of each other. Broke at the first step: halve until a rate holds.
    if (held === null) {
      if (rate < 2) break
      rate = Math.max(1, Math.round(rate / 2))
    } else if (lowest === Infinity) {
      rate = Math.round(rate * 1.25)
    } else {
      if ((lowest - held) / held <= 0.06) break
      rate = Math.round((held + lowest) / 2)
    }
    await new Promise((r) => setTimeout(r, 2000))
  }
  const checks: Check[] = [
    { name: 'a rate held its targets', ok: held !== null, speed: true, detail: held !== null ? `highest rate held ${held}/s (p95 ≤ ${target.p95Ms} ms, failed ≤ ${target.maxErrorRate * 100} %)` : 'no step held' },
    ...correctness,
  ]
  return { phases, checks, steps, maxRateHeld: held }
}

export { table }
