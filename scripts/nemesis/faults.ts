/**
 * The faults, one every `everyMs` (the first half a period in), in a fixed cycle so that a run of 25 s already
 * meets each kind once:
 * 2–10 ms of jitter on the Postgres link until the next fault, terminate the instances' Postgres
 * connections, restart Postgres for real, stall Redis (SIGSTOP, 3 s), kill -9 one instance and restart it.
 */
import type { Cluster } from './cluster'

export type FaultKind = 'pg_terminate_backend' | 'postgres_restart' | 'redis_sigstop' | 'instance_kill9' | 'pg_link_jitter'
// The kill -9 last: its restart is the slowest fault (seconds on a loaded machine) and may run past the load.
export const FAULT_CYCLE: FaultKind[] = ['pg_link_jitter', 'pg_terminate_backend', 'postgres_restart', 'redis_sigstop', 'instance_kill9']

export interface FaultRecord {
  kind: FaultKind
  /** ms since the start of the load */
  at: number
  ms: number
  detail: string
}

async function inject(c: Cluster, kind: FaultKind, n: number): Promise<string> {
  switch (kind) {
    case 'pg_terminate_backend': {
      const rows = await c.sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'livedrop'`
      return `${rows.length} backends`
    }
    case 'postgres_restart': {
      // Alternate the two ways a database goes down: fast (sessions told, 57P01) and immediate (a crash).
      const mode = n % 2 === 0 ? 'fast' : 'immediate'
      await c.pg.stop(mode)
      await Bun.sleep(300)
      await c.pg.start()
      return `${mode} stop, down ~300 ms`
    }
    case 'redis_sigstop':
      c.redis.pause()
      await Bun.sleep(3000)
      c.redis.resume()
      return '3 s'
    case 'instance_kill9': {
      const i = n % c.instances.length
      await c.crash(i)
      return `instance ${c.instances[i].name}`
    }
    case 'pg_link_jitter':
      c.proxy.jitter({ minMs: 2, maxMs: 10 })
      return '2–10 ms until the next fault'
  }
}

/**
 * Runs the cycle until `signal` aborts; → what was done. A fault that throws is recorded and the run goes on
 * (the checks decide); the jitter of the previous round is lifted before each new fault.
 */
export async function runFaults(c: Cluster, everyMs: number, t0: number, signal: AbortSignal, log: (line: string) => void): Promise<FaultRecord[]> {
  const done: FaultRecord[] = []
  if (!everyMs) return done
  const rounds = new Map<FaultKind, number>()
  for (let i = 0; ; i++) {
    // Half a period in: a run of n periods meets n faults, the last one (jitter, in the cycle) while load still runs.
    const due = t0 + (i + 0.5) * everyMs
    while (!signal.aborted && performance.now() < due) await Bun.sleep(Math.min(200, due - performance.now()))
    if (signal.aborted) break
    c.proxy.jitter(null)
    const kind = FAULT_CYCLE[i % FAULT_CYCLE.length]
    const n = rounds.get(kind) ?? 0
    rounds.set(kind, n + 1)
    const start = performance.now()
    let detail: string
    try {
      detail = await inject(c, kind, n)
    } catch (err) {
      detail = `FAILED to inject: ${err instanceof Error ? err.message : String(err)}`
    }
    const rec = { kind, at: Math.round(start - t0), ms: Math.round(performance.now() - start), detail }
    done.push(rec)
    log(`fault @${(rec.at / 1000).toFixed(1)}s ${kind} (${detail}) in ${rec.ms} ms`)
  }
  c.proxy.jitter(null)
  return done
}
