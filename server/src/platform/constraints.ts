import { AppError, type ErrorCode } from '../errors'

/** The violated constraint of a unique (23505) or check (23514) violation; null for any other error. */
export function violatedConstraint(err: unknown): string | null {
  const e = err as { code?: string; constraint_name?: string } | null
  return e && (e.code === '23505' || e.code === '23514') && e.constraint_name ? e.constraint_name : null
}

/**
 * A transaction that lost a race and wrote nothing: a unique violation (23505: two inserts of one new key met) or
 * a deadlock (40P01). Deciding again, after the other side committed, is safe.
 */
export function lostRace(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === '23505' || code === '40P01'
}

/**
 * The one translation of a database constraint violation into the domain error a repo promises: `map` names,
 * per constraint, the contract code and its detail. Anything else is rethrown as it came.
 */
export function translateConstraint(err: unknown, map: Record<string, [ErrorCode, string]>): never {
  const hit = map[violatedConstraint(err) ?? '']
  if (hit) throw new AppError(hit[0], hit[1])
  throw err
}
