import type { Tx } from '../db'

/**
 * Session advisory lock of the expiry sweep (ops/maintenance.ts): one instance sweeps at a time, the others
 * skip their turn. Session-level, so it must be taken and released on one reserved connection.
 */
export async function tryMaintenanceLock(sql: Tx): Promise<boolean> {
  const [r] = await sql<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext('livedrop:maintenance')) as locked`
  return r.locked
}

export async function releaseMaintenanceLock(sql: Tx): Promise<void> {
  await sql`select pg_advisory_unlock(hashtext('livedrop:maintenance'))`
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
