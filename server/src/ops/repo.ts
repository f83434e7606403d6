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
