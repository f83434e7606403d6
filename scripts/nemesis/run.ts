/**
 * One nemesis run: the private cluster, the seeded data, the load for `durationMs` with a fault every
 * `faultEveryMs`, then the final retries, the settling and the checks. → everything the report prints.
 */
import { balancedFetch } from './balancer'
import { checkOrders, type Check } from './check-orders'
import { checkStreams } from './check-streams'
import { startCluster, type Cluster } from './cluster'
import { runFaults, type FaultRecord } from './faults'
import { startLoad, type LoadRecord } from './load'
import { retryUnanswered, untilOutboxNumbered } from './settle'
import { seed, type Seeded } from './seed'
import { percentile, sampleResources, soakChecks, type ResourceSample } from './soak'
import type { NemesisOptions } from './args'

export interface NemesisResult {
  options: NemesisOptions
  faults: FaultRecord[]
  checks: Check[]
  lines: string[]
  load: LoadRecord
  resources: ResourceSample[]
}

/** What a caller may look at once the checks are done and before the cluster goes (the test checks the checks). */
export interface Inspection {
  sql: Cluster['sql']
  seeded: Seeded
  record: LoadRecord
}

export async function runNemesis(
  o: NemesisOptions,
  log: (line: string) => void = (l) => console.error(`[nemesis] ${l}`),
  inspect?: (x: Inspection) => Promise<void>,
): Promise<NemesisResult> {
  const cluster = await startCluster(log)
  try {
    const fetch = balancedFetch(() => cluster.urls)
    // The hot drop should sell out under the faults, about half-way through a default run. Not in a soak: its
    // load must stay the same from start to end (cheap SOLD_OUT refusals would shift the mix and the p99).
    const hotStock = o.soak ? 1_000_000 : Math.max(50, Math.round(o.durationMs / 1000) * 8)
    // A per-buyer limit on the hot drop puts PURCHASE_LIMIT_EXCEEDED in the mix; not in a soak (after a while
    // every buyer would be at it, the same shift of the mix as a sell-out).
    const s = await seed(fetch, { buyers: o.buyers, hotStock, bigStock: 1_000_000, laterInMs: 3000 + o.durationMs / 2, perUserLimit: o.soak ? undefined : 100 })
    log(`seeded: ${o.buyers} buyers, drops hot (stock ${hotStock}), big, later (live at ~${(o.durationMs / 2000).toFixed(0)} s)`)

    const t0 = performance.now()
    const stopLoad = new AbortController()
    const stopStreams = new AbortController()
    const load = startLoad(s, fetch, { readers: o.readers, watchers: o.watchers, t0, signal: stopLoad.signal, streamSignal: stopStreams.signal })
    const stopSampling = new AbortController()
    const sampling = o.soak ? sampleResources(cluster.sql, cluster.instances, t0, Math.min(10_000, Math.max(2000, o.durationMs / 60)), stopSampling.signal) : Promise.resolve([])
    const faults = runFaults(cluster, o.faultEveryMs, t0, stopLoad.signal, log)
    const progress = setInterval(() => {
      const r = load.record
      log(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${r.reads.length} reads, ${r.intents.length} orders, ${r.streams.reduce((n, x) => n + x.events.length, 0)} events`)
    }, o.soak ? 60_000 : 10_000)
    await Bun.sleep(o.durationMs)
    stopLoad.abort()
    stopSampling.abort()
    clearInterval(progress)
    const faultList = await faults
    const resources = await sampling

    // The loops end within one call of the abort (an order's SDK retries included); only then are the intents
    // final in the record. The streams stay open to receive the last events.
    await Promise.race([load.loops, Bun.sleep(60_000)])
    const { retried, leftWith } = await retryUnanswered(s, load.record.intents, 60_000)
    log(`final retries: ${retried} orders without a final answer retried with their original key`)
    const numbered = await untilOutboxNumbered(cluster.sql, 20_000)
    const orders = await checkOrders(cluster.sql, s, load.record.intents)
    const streams = await checkStreams(cluster.sql, load.record.streams, 30_000)
    stopStreams.abort()
    await Promise.race([load.streams, Bun.sleep(10_000)])
    await inspect?.({ sql: cluster.sql, seeded: s, record: load.record })

    const r = load.record
    const dead = cluster.instances.filter((x) => x.crashes.length > 0)
    const ms = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} p99 ${percentile(xs, 99).toFixed(1)} max ${Math.max(...xs).toFixed(0)} ms`
    const byKind = faultList.reduce<Record<string, number>>((m, f) => ((m[f.kind] = (m[f.kind] ?? 0) + 1), m), {})
    const lines = [
      `duration ${(o.durationMs / 1000).toFixed(0)} s, fault every ${o.faultEveryMs ? `${o.faultEveryMs / 1000} s` : '— (none)'}: ${Object.entries(byKind).map(([k, n]) => `${k} ×${n}`).join(', ') || 'no faults'}`,
      `reads: ${r.reads.length} (${r.reads.filter((x) => !x.ok).length} not 200), ${ms(r.reads.map((x) => x.ms))}`,
      `orders: ${orders.intents} intents, ${orders.confirmed} confirmed (${orders.confirmedUnits} units), refused ${JSON.stringify(orders.refused)}; ${r.orderRetries} SDK retries in the run, ${retried} retried after it ${JSON.stringify(leftWith)}; ${ms(r.orders.map((x) => x.ms))} per intent`,
      `streams: ${r.streams.length} clients, ${streams.events} events, head seq ${streams.head}`,
    ]
    const checks: Check[] = [
      ...orders.checks,
      ...streams.checks,
      { name: 'every fault injected', ok: faultList.every((f) => !f.detail.startsWith('FAILED')), detail: faultList.filter((f) => f.detail.startsWith('FAILED')).map((f) => f.detail).join('; ') || `${faultList.length} faults` },
      { name: 'outbox numbered after the run', ok: numbered, detail: numbered ? 'no event left unnumbered' : 'events still unnumbered after 20 s' },
      // Only the run's own kill -9 may end an instance: one that died by itself (a crash under the faults) fails
      // the run, even though the balancer kept the clients served by the other one.
      { name: 'no instance crashed', ok: dead.length === 0, detail: dead.length ? dead.map((x) => `${x.name} died ${x.crashes.length}×: ${x.crashes[0]}`).join(' | ') : 'no instance died by itself' },
    ]
    if (o.soak) {
      // Only what finished within the run: the few requests that end after it would make a partial minute.
      const within = (xs: typeof r.reads) => xs.filter((x) => x.at < o.durationMs)
      const soak = soakChecks(resources, within(r.reads), within(r.orders), o.durationMs, cluster.pool)
      lines.push(...soak.lines)
      checks.push(...soak.checks)
    }
    return { options: o, faults: faultList, checks, lines, load: r, resources }
  } finally {
    await cluster.stop()
  }
}

/** The report: figures, then one line per check. */
export function formatReport(r: NemesisResult): string {
  const out = ['', `nemesis ${r.options.soak ? 'soak' : 'run'}:`, ...r.lines.map((l) => `  ${l}`), 'checks:']
  for (const c of r.checks) out.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name} — ${c.detail}`)
  out.push(r.checks.every((c) => c.ok) ? 'all checks passed' : `${r.checks.filter((c) => !c.ok).length} checks FAILED`)
  return out.join('\n')
}
