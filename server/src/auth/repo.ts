import type { Tx } from '../db'
import { translateConstraint } from '../platform/constraints'

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
  } catch (err) {
    translateConstraint(err, {
      users_username_key: ['USERNAME_TAKEN', 'That username is taken'],
      users_email_key: ['EMAIL_TAKEN', 'That email is already registered'],
    })
  }
}

export async function findUserByEmail(sql: Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select * from users where lower(email) = lower(${email})`
  return row
}

export async function insertFamily(sql: Tx, f: { id: string; userId: string }): Promise<void> {
  await sql`insert into refresh_families (id, user_id) values (${f.id}, ${f.userId})`
}

export async function insertRefreshToken(
  sql: Tx,
  t: { id: string; userId: string; familyId: string; hash: Buffer; ttlSec: number },
): Promise<void> {
  await sql`
    insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
    values (${t.id}, ${t.userId}, ${t.familyId}, ${t.hash}, now() + make_interval(secs => ${t.ttlSec}))`
}

export interface PresentedToken {
  id: string
  userId: string
  familyId: string
  familyRevoked: boolean
  usedAt: Date | null
  /** not past its expires_at */
  live: boolean
  /** used, and no longer ago than the grace window */
  inGrace: boolean
}

/**
 * The presented token, read only once its family's row is locked (`for update`, held until the caller's
 * transaction ends). Two statements on purpose: under READ COMMITTED a statement sees what had committed when it
 * started, so the token is read by a statement that starts after the lock is granted — after any rotation or
 * revocation of the family that held it has committed. Every caller locks the family row first and only then
 * touches its tokens, so no two of them can wait on each other in the opposite order.
 */
export async function lockPresentedToken(tx: Tx, hash: Buffer, graceSec: number): Promise<PresentedToken | undefined> {
  const [ref] = await tx<{ familyId: string }[]>`select family_id from refresh_tokens where token_hash = ${hash}`
  if (!ref) return undefined
  const [family] = await tx<{ revoked: boolean }[]>`
    select revoked_at is not null as revoked from refresh_families where id = ${ref.familyId} for update`
  const [t] = await tx<Omit<PresentedToken, 'familyRevoked'>[]>`
    select id, user_id, family_id, used_at, expires_at > now() as live,
           coalesce(used_at > now() - make_interval(secs => ${graceSec}), false) as in_grace
    from refresh_tokens where token_hash = ${hash}`
  if (!family || !t) return undefined
  return { ...t, familyRevoked: family.revoked }
}

/** → when it was used (the database's clock, which also dates the access token of the new pair). */
export async function markUsed(tx: Tx, tokenId: string): Promise<Date> {
  const [row] = await tx<{ usedAt: Date }[]>`update refresh_tokens set used_at = now() where id = ${tokenId} returning used_at`
  return row.usedAt
}

/** Whether the token with this hash is the family's current one: in that family, never used, not expired. */
export async function isCurrentToken(tx: Tx, hash: Buffer, familyId: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from refresh_tokens
    where token_hash = ${hash} and family_id = ${familyId} and used_at is null and revoked_at is null and expires_at > now()`
  return Boolean(row)
}

/**
 * Revokes a family: its row first (waiting for a rotation in flight, whose lock it shares), then its tokens —
 * the second statement starts after the lock is granted, so it sees every successor committed before. → the
 * family's user when this call revoked it; undefined when it was unknown or already revoked.
 */
export async function revokeFamily(tx: Tx, familyId: string): Promise<{ userId: string } | undefined> {
  const [family] = await tx<{ userId: string }[]>`
    update refresh_families set revoked_at = now() where id = ${familyId} and revoked_at is null returning user_id`
  await tx`update refresh_tokens set revoked_at = now() where family_id = ${familyId} and revoked_at is null`
  return family
}

export async function findFamilyByHash(sql: Tx, hash: Buffer): Promise<string | undefined> {
  const [row] = await sql<{ familyId: string }[]>`select family_id from refresh_tokens where token_hash = ${hash}`
  return row?.familyId
}

export async function isFamilyActive(sql: Tx, familyId: string): Promise<boolean> {
  const [row] = await sql`select 1 from refresh_families where id = ${familyId} and revoked_at is null`
  return Boolean(row)
}

/** Deletes at most `limit` refresh tokens expired for a day → how many; one bounded batch (see deleteExpiredKeys). */
export async function deleteExpiredRefreshTokens(sql: Tx, limit = 5000): Promise<number> {
  const rows = await sql`
    delete from refresh_tokens
    where ctid = any(array(select ctid from refresh_tokens where expires_at < now() - interval '1 day' limit ${limit}))`
  return rows.count
}

/**
 * Deletes at most `limit` sessions (token families) at least a day old with no token left → how many, so a
 * family outlives its last token by a day at most; one bounded batch, run after the token sweep.
 */
export async function deleteEmptyRefreshFamilies(sql: Tx, limit = 5000): Promise<number> {
  const rows = await sql`
    delete from refresh_families
    where ctid = any(array(
      select f.ctid from refresh_families f
      where f.created_at < now() - interval '1 day'
        and not exists (select 1 from refresh_tokens t where t.family_id = f.id)
      limit ${limit}))`
  return rows.count
}

