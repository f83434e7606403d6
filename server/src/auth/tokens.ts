import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { createHash, randomBytes } from 'node:crypto'
import { unauthorized } from '../errors'
import { isUuid } from '../lib/ids'
import type { Config } from '../config'

/** Access tokens: HS256 only — the algorithm is pinned on verify, so alg=none or RS/HS confusion is refused. */
const ALG = 'HS256'

export interface TokenService {
  issueAccessToken(userId: string): Promise<string>
  /** → the user id, or throws 401 UNAUTHORIZED */
  verifyAccessToken(token: string): Promise<string>
  /** The user id from an `Authorization: Bearer …` header value, or throws 401. */
  authenticate(header: string | null | undefined): Promise<string>
  accessTtlSec: number
}

export function createTokenService(config: Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience' | 'accessTokenTtlSec'>): TokenService {
  if (!config.jwtSecret) throw new Error('JWT secret missing')
  const key = new TextEncoder().encode(config.jwtSecret)
  // Every authenticated request needs its caller twice (the rate limiter keys on it, then the route guard), and
  // buyers in a rush repeat the same token: a bounded map of tokens already verified, each entry never kept
  // past the token's own `exp`, makes that one HMAC check per token instead of two per request.
  const verified = new Map<string, { sub: string; expMs: number }>()
  const VERIFIED_MAX = 10_000
  const verifyAccessToken = async (token: string) => {
    const hit = verified.get(token)
    if (hit) {
      if (hit.expMs > Date.now()) return hit.sub
      verified.delete(token)
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        requiredClaims: ['sub', 'exp', 'iat'],
      })
      if (!isUuid(payload.sub)) throw unauthorized('The access token is invalid')
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
      verified.set(token, { sub: payload.sub, expMs: payload.exp! * 1000 })
      return payload.sub
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired')
      throw unauthorized('The access token is invalid')
    }
  }
  return {
    accessTtlSec: config.accessTokenTtlSec,
    issueAccessToken: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(config.jwtIssuer)
        .setAudience(config.jwtAudience)
        .setIssuedAt()
        .setExpirationTime(`${config.accessTokenTtlSec}s`)
        .sign(key),
    verifyAccessToken,
    async authenticate(header) {
      const m = header ? /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header) : null
      if (!m) throw unauthorized()
      return verifyAccessToken(m[1])
    },
  }
}

/** Refresh tokens are 256 random bits; only their SHA-256 is stored, so a database leak yields no usable token. */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}

export const hashRefreshToken = (token: string): Buffer => createHash('sha256').update(token).digest()
