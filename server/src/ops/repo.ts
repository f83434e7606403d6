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
