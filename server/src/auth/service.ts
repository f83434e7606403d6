import type { Sql, Tx } from '../db'
import type { Config } from '../config'
import { AppError } from '../errors'
import { newId } from '../lib/ids'
import { appendEvent } from '../platform/outbox'
import type { AuthSession, LoginRequest, RegisterRequest, StreamClosedData } from '../contract/schemas.gen'
import { getMe } from '../users/service'
import * as repo from './repo'
import { hashRefreshToken, newRefreshToken, type TokenService } from '../platform/tokens'

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2 = { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 } as const

/** Why a session ended, as the personal event stream tells it (`stream.closed`'s `reason`). */
export type SessionEndReason = Exclude<StreamClosedData['reason'], 'token_expired'>

export interface AuthDeps {
  sql: Sql
  tokens: TokenService
  /** refreshGraceSec: RFC 9700 §4.14.2 leeway, how long a repeat of the same refresh answers the same pair instead of counting as reuse */
  config: Pick<Config, 'refreshTokenTtlSec' | 'refreshGraceSec'>
}

// Verifying against a real hash when the email is unknown keeps both failures equally slow (no user enumeration by timing).
let dummyHash: Promise<string> | undefined
const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'The email or password is wrong')
const invalidRefresh = () => new AppError('INVALID_REFRESH_TOKEN', 'The refresh token is invalid, expired or revoked')

async function pair(deps: AuthDeps, tx: Tx, userId: string, familyId: string, refreshToken: string, issuedAt?: Date): Promise<AuthSession> {
  const issuedAtSec = issuedAt ? Math.floor(issuedAt.getTime() / 1000) : undefined
  const [user, accessToken] = await Promise.all([getMe({ sql: tx }, userId), deps.tokens.issueAccessToken(userId, { sessionId: familyId, issuedAtSec })])
  return { user, accessToken, refreshToken, expiresIn: deps.tokens.accessTtlSec }
}

/** A new session: a family of its own and its first, random, refresh token. */
async function startSession(deps: AuthDeps, tx: Tx, userId: string): Promise<AuthSession> {
  const familyId = newId()
  const refresh = newRefreshToken()
  await repo.insertFamily(tx, { id: familyId, userId })
  await repo.insertRefreshToken(tx, { id: newId(), userId, familyId, hash: refresh.hash, ttlSec: deps.config.refreshTokenTtlSec })
  return pair(deps, tx, userId, familyId, refresh.token)
}

/** Revokes the family (tokens dead at once) and tells the personal streams of that session to close. */
async function endSession(tx: Tx, familyId: string, reason: SessionEndReason) {
  const revoked = await repo.revokeFamily(tx, familyId)
  if (revoked) await appendEvent(tx, { type: 'session.revoked', userId: revoked.userId, data: { sessionId: familyId, reason } })
}

export async function register(deps: AuthDeps, input: RegisterRequest): Promise<AuthSession> {
  const passwordHash = await Bun.password.hash(input.password, ARGON2)
  return deps.sql.begin(async (tx) => {
    const user = await repo.insertUser(tx, { id: newId(), username: input.username, email: input.email, passwordHash })
    return startSession(deps, tx, user.id)
  })
}

export async function login(deps: AuthDeps, input: LoginRequest): Promise<AuthSession> {
  const user = await repo.findUserByEmail(deps.sql, input.email)
  if (!user) {
    dummyHash ??= Bun.password.hash('not-a-real-password', ARGON2)
    await Bun.password.verify(input.password, await dummyHash)
    throw invalidCredentials()
  }
  if (!(await Bun.password.verify(input.password, user.passwordHash))) throw invalidCredentials()
  return deps.sql.begin((tx) => startSession(deps, tx, user.id))
}

/**
 * Rotation, under the family's row lock (repo.lockPresentedToken), so a concurrent revocation either comes
 * first (and this sees the family revoked) or waits for this commit (and then revokes the successor too).
 *  - unused token → mark it used, add its successor (derived from it, see platform/tokens.ts createSuccessorDeriver).
 *  - used within the grace window, and its successor is still the family's current token → the same pair
 *    again: two tabs refreshing at once, or a retry after a lost response, must not log the user out.
 *  - any other use of a used token (after the grace, or of an older generation) → it leaked: the whole
 *    family is revoked, in this same transaction, so no descendant survives.
 */
export async function refresh(deps: AuthDeps, refreshToken: string): Promise<AuthSession> {
  const hash = hashRefreshToken(refreshToken)
  const outcome = await deps.sql.begin(async (tx) => {
    const t = await repo.lockPresentedToken(tx, hash, deps.config.refreshGraceSec)
    if (!t || t.familyRevoked) return null
    const next = deps.tokens.refreshSuccessor(refreshToken)
    if (!t.usedAt) {
      if (!t.live) return null
      const usedAt = await repo.markUsed(tx, t.id)
      await repo.insertRefreshToken(tx, { id: newId(), userId: t.userId, familyId: t.familyId, hash: next.hash, ttlSec: deps.config.refreshTokenTtlSec })
      return pair(deps, tx, t.userId, t.familyId, next.token, usedAt)
    }
    if (t.inGrace && (await repo.isCurrentToken(tx, next.hash, t.familyId))) return pair(deps, tx, t.userId, t.familyId, next.token, t.usedAt)
    await endSession(tx, t.familyId, 'session_revoked')
    return null
  })
  if (!outcome) throw invalidRefresh()
  return outcome
}

export async function logout(deps: Pick<AuthDeps, 'sql'>, refreshToken: string): Promise<void> {
  const familyId = await repo.findFamilyByHash(deps.sql, hashRefreshToken(refreshToken))
  if (familyId) await deps.sql.begin((tx) => endSession(tx, familyId, 'logged_out'))
}

/** False once the session (refresh-token family) was revoked; unknown ids are not active either. */
export const isSessionActive = (deps: Pick<AuthDeps, 'sql'>, sessionId: string): Promise<boolean> => repo.isFamilyActive(deps.sql, sessionId)
