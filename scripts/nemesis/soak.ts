/**
 * Soak mode: samples what leaks show up in — each instance's RSS and open file descriptors (/proc/<pid>),
 * the instances' PostgreSQL connections (pg_stat_activity) — and the p99 of reads and orders per minute,
 * then checks that they stay flat: the figures at the end against those after the warm-up.
 */
import { readFileSync, readdirSync } from 'node:fs'
import type postgres from 'postgres'
import type { Check } from './check-orders'
import type { Instance } from './cluster'
import type { Sample } from './load'

export interface ResourceSample {
  /** ms since the load began */
  at: number
  instance: string
  pid: number
  rssMb: number
  fds: number
  /** the instances' PostgreSQL connections (both instances), at this moment */
  pgConnections: number
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Samples every `everyMs` until `signal` aborts. */
export async function sampleResources(sql: postgres.Sql<{}>, instances: Instance[], t0: number, everyMs: number, signal: AbortSignal): Promise<ResourceSample[]> {
  const out: ResourceSample[] = []
  while (!signal.aborted) {
    const at = performance.now() - t0
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where application_name = 'livedrop'`.catch(() => [{ n: NaN }])
    for (const x of instances) {
      const pid = x.pid()
      if (!pid) continue
      try {
        out.push({ at, instance: x.name, pid, rssMb: rssMb(pid), fds: readdirSync(`/proc/${pid}/fd`).length, pgConnections: n })
      } catch {
        // the process went away between pid() and /proc (a kill in a soak with faults)
      }
    }
    const wait = Date.now() + everyMs
    while (!signal.aborted && Date.now() < wait) await Bun.sleep(Math.min(250, wait - Date.now()))
  }
  return out
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

/** p99 (ms) of the samples of each whole minute. */
export function p99PerMinute(samples: Sample[]): number[] {
  const minutes: number[][] = []
  for (const s of samples) (minutes[Math.floor(s.at / 60_000)] ??= []).push(s.ms)
  return minutes.map((m) => percentile(m ?? [], 99))
}

const median = (xs: number[]) => percentile(xs, 50)

/**
 * The first part of the run is warm-up (JIT, caches, pools filling): a fifth of it, at least one minute when
 * the run is long enough. "Start" is the next fifth, "end" the last fifth. Drift is end over start.
 */
export function soakChecks(res: ResourceSample[], reads: Sample[], orders: Sample[], durationMs: number, poolPerInstance: number): { checks: Check[]; lines: string[] } {
  const fifth = durationMs / 5
  const warm = durationMs >= 5 * 60_000 ? Math.max(60_000, fifth) : fifth
  const inStart = (at: number) => at >= warm && at < warm + fifth
  const inEnd = (at: number) => at >= durationMs - fifth
  const checks: Check[] = []
  const lines: string[] = []
  for (const name of [...new Set(res.map((r) => r.instance))]) {
    // Only the samples of the instance's current process (a soak with faults may have restarted it).
    const mine = res.filter((r) => r.instance === name)
    const pid = mine.at(-1)!.pid
    const own = mine.filter((r) => r.pid === pid)
    const start = own.filter((r) => inStart(r.at))
    const end = own.filter((r) => inEnd(r.at))
    if (!start.length || !end.length) continue
    const rss0 = median(start.map((r) => r.rssMb))
    const rss1 = median(end.map((r) => r.rssMb))
    const fd0 = Math.max(...start.map((r) => r.fds))
    const fd1 = Math.max(...end.map((r) => r.fds))
    lines.push(`instance ${name}: RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB (max ${Math.max(...own.map((r) => r.rssMb)).toFixed(0)}), fds ${fd0} → ${fd1} (max ${Math.max(...own.map((r) => r.fds))})`)
    checks.push({ name: `instance ${name} RSS flat (≤ +20 %)`, ok: rss1 <= rss0 * 1.2, detail: `${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB` })
    // Sockets come and go with the clients' reconnections: a handful either way is not a leak.
    checks.push({ name: `instance ${name} open fds flat (≤ +10)`, ok: fd1 <= fd0 + 10, detail: `${fd0} → ${fd1}` })
  }
  const conn = (pred: (at: number) => boolean) => res.filter((r) => pred(r.at)).map((r) => r.pgConnections).filter(Number.isFinite)
  const c0 = Math.max(...conn(inStart))
  const c1 = Math.max(...conn(inEnd))
  const cMax = Math.max(...res.map((r) => r.pgConnections).filter(Number.isFinite))
  // Each instance: its pool, plus the connections it holds for LISTEN (scheduler, notifications).
  const ceiling = 2 * (poolPerInstance + 3)
  lines.push(`postgres connections: ${c0} → ${c1} (max ${cMax}, ceiling ${ceiling})`)
  checks.push({ name: 'postgres connections flat and bounded', ok: c1 <= c0 + 2 && cMax <= ceiling, detail: `${c0} → ${c1}, max ${cMax} ≤ ${ceiling}` })
  for (const [name, samples] of [['reads', reads], ['orders', orders]] as const) {
    const perMinute = p99PerMinute(samples)
    const p0 = percentile(samples.filter((s) => inStart(s.at)).map((s) => s.ms), 99)
    const p1 = percentile(samples.filter((s) => inEnd(s.at)).map((s) => s.ms), 99)
    lines.push(`${name} p99 per minute (ms): ${perMinute.map((p) => p.toFixed(1)).join(' ')}; start ${p0.toFixed(1)} → end ${p1.toFixed(1)}`)
    checks.push({ name: `${name} p99 drift ≤ 20 %`, ok: p1 <= p0 * 1.2, detail: `${p0.toFixed(1)} → ${p1.toFixed(1)} ms (${(((p1 / p0) - 1) * 100).toFixed(0)} %)` })
  }
  return { checks, lines }
}
