import type { Sql, Tx } from '../db'
import { AppError } from '../errors'
import { newId } from '../lib/ids'
import type { AuthSession, LoginRequest, RegisterRequest } from '../contract/schemas.gen'
import type { UsersService } from '../users/service'
import * as repo from './repo'
import { hashRefreshToken, newRefreshToken, type TokenService } from './tokens'

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2 = { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 } as const

export interface AuthService {
  register(input: RegisterRequest): Promise<AuthSession>
  login(input: LoginRequest): Promise<AuthSession>
  refresh(refreshToken: string): Promise<AuthSession>
  logout(refreshToken: string): Promise<void>
}

export function createAuthService(deps: { sql: Sql; tokens: TokenService; users: UsersService; refreshTtlSec: number }): AuthService {
  const { sql, tokens, users } = deps
  // Verifying against a real hash when the email is unknown keeps both failures equally slow (no user enumeration by timing).
  let dummyHash: Promise<string> | undefined
  const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', 'The email or password is wrong')
  const invalidRefresh = () => new AppError(401, 'INVALID_REFRESH_TOKEN', 'The refresh token is invalid, expired or revoked')

  async function session(userId: string, familyId: string, tx: Tx = sql): Promise<AuthSession> {
    const refresh = newRefreshToken()
    await repo.insertRefreshToken(tx, { id: newId(), userId, familyId, hash: refresh.hash, ttlSec: deps.refreshTtlSec })
    const [user, accessToken] = await Promise.all([users.getMe(userId, tx), tokens.issueAccessToken(userId)])
    return { user, accessToken, refreshToken: refresh.token, expiresIn: tokens.accessTtlSec }
  }

  return {
    async register(input) {
      const passwordHash = await Bun.password.hash(input.password, ARGON2)
      return sql.begin(async (tx) => {
        const user = await repo.insertUser(tx, { id: newId(), username: input.username, email: input.email, passwordHash })
        return session(user.id, newId(), tx)
      })
    },

    async login(input) {
      const user = await repo.findUserByEmail(sql, input.email)
      if (!user) {
        dummyHash ??= Bun.password.hash('not-a-real-password', ARGON2)
        await Bun.password.verify(input.password, await dummyHash)
        throw invalidCredentials()
      }
      if (!(await Bun.password.verify(input.password, user.passwordHash))) throw invalidCredentials()
      return session(user.id, newId())
    },

    async refresh(refreshToken) {
      const hash = hashRefreshToken(refreshToken)
      const result = await sql.begin(async (tx) => {
        const claim = await repo.claimRefreshToken(tx, hash)
        if (!claim || claim.outcome !== 'rotated') return { claim }
        return { claim, session: await session(claim.userId, claim.familyId, tx) }
      })
      if (result.session) return result.session
      // A used token presented again means it leaked (or a client replayed it): the whole family goes, so the
      // thief's descendant token dies too. Done after the claim transaction so the revocation is committed.
      if (result.claim?.outcome === 'reused') await repo.revokeFamily(sql, result.claim.familyId)
      throw invalidRefresh()
    },

    async logout(refreshToken) {
      const familyId = await repo.findFamilyByHash(sql, hashRefreshToken(refreshToken))
      if (familyId) await repo.revokeFamily(sql, familyId)
    },
  }
}
