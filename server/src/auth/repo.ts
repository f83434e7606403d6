import type { Tx } from '../db'
import { AppError } from '../errors'

export interface UserRow {
  id: string
  username: string
  email: string
  passwordHash: string
  createdAt: Date
}

export async function insertUser(sql: Tx, u: { id: string; username: string; email: string; passwordHash: string }): Promise<UserRow> {
  try {
    const [row] = await sql<UserRow[]>`
      insert into users (id, username, email, password_hash)
      values (${u.id}, ${u.username}, ${u.email}, ${u.passwordHash})
      returning *`
    return row
  } catch (err: any) {
    if (err?.code === '23505' && err.constraint_name === 'users_username_key') throw new AppError(409, 'USERNAME_TAKEN', 'That username is taken')
    if (err?.code === '23505' && err.constraint_name === 'users_email_key') throw new AppError(409, 'EMAIL_TAKEN', 'That email is already registered')
    throw err
  }
}

export async function findUserByEmail(sql: Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select * from users where lower(email) = lower(${email})`
  return row
}

export async function insertRefreshToken(
  sql: Tx,
  t: { id: string; userId: string; familyId: string; hash: Buffer; ttlSec: number },
): Promise<void> {
  await sql`
    insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
    values (${t.id}, ${t.userId}, ${t.familyId}, ${t.hash}, now() + make_interval(secs => ${t.ttlSec}))`
}

export interface RefreshClaim {
  userId: string
  familyId: string
  outcome: 'rotated' | 'reused' | 'revoked' | 'expired'
}

/**
 * Marks the presented token used, atomically: the conditional UPDATE (`used_at is null`) lets exactly one of
 * any number of concurrent exchanges of the same token win. Everybody else learns the token was already used.
 */
export async function claimRefreshToken(sql: Tx, hash: Buffer): Promise<RefreshClaim | undefined> {
  const [won] = await sql<{ userId: string; familyId: string }[]>`
    update refresh_tokens set used_at = now()
    where token_hash = ${hash} and used_at is null and revoked_at is null and expires_at > now()
    returning user_id, family_id`
  if (won) return { ...won, outcome: 'rotated' }
  const [row] = await sql<{ userId: string; familyId: string; usedAt: Date | null; revokedAt: Date | null }[]>`
    select user_id, family_id, used_at, revoked_at from refresh_tokens where token_hash = ${hash}`
  if (!row) return undefined
  const outcome = row.revokedAt ? 'revoked' : row.usedAt ? 'reused' : 'expired'
  return { userId: row.userId, familyId: row.familyId, outcome }
}

export async function revokeFamily(sql: Tx, familyId: string): Promise<void> {
  await sql`update refresh_tokens set revoked_at = now() where family_id = ${familyId} and revoked_at is null`
}

export async function findFamilyByHash(sql: Tx, hash: Buffer): Promise<string | undefined> {
  const [row] = await sql<{ familyId: string }[]>`select family_id from refresh_tokens where token_hash = ${hash}`
  return row?.familyId
}

/** Deletes at most `limit` refresh tokens expired for a day → how many; one bounded batch (see deleteExpiredKeys). */
export async function deleteExpiredRefreshTokens(sql: Tx, limit = 5000): Promise<number> {
  const rows = await sql`
    delete from refresh_tokens
    where ctid = any(array(select ctid from refresh_tokens where expires_at < now() - interval '1 day' limit ${limit}))`
  return rows.count
}

