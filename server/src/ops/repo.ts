import type { Tx } from '../db'

/**
 * The expiry sweep's lock (ops/maintenance.ts): one instance deletes at a time, the others skip their turn.
 * Transaction-scoped, taken in the transaction of each batch and released by its commit: nothing is held
 * between statements, so it works through a transaction pooler too (a session lock taken there lands on one
 * server connection and its unlock on another, leaking the lock for good).
 */
export async function tryMaintenanceLock(tx: Tx): Promise<boolean> {
  const [r] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('livedrop:maintenance')) as locked`
  return r.locked
}
/**
 * Seconds the oldest client transaction that holds a snapshot has been open, on the whole server (its xmin
 * holds back what vacuum may remove, in every database, and the outbox relay searches past the dead entries it
 * keeps: 0005_live_resilience.sql). 0 when none does. This scrape's own backend is left out.
 */
export async function oldestSnapshotAge(sql: Tx): Promise<number> {
  const [row] = await sql<{ age: number }[]>`
    select coalesce(extract(epoch from max(now() - xact_start)), 0)::float8 as age
    from pg_stat_activity
    where backend_xmin is not null and backend_type = 'client backend' and pid <> pg_backend_pid()`
  return Math.max(0, row.age)
}
