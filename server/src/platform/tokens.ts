import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { unauthorized } from '../errors'
import { isUuid } from '../lib/ids'
import type { Config } from '../config'

/** Access tokens: HS256 only — the algorithm is pinned on verify, so alg=none or RS/HS confusion is refused. */
const ALG = 'HS256'

/**
 * `Authorization: <scheme> <token68>`. RFC 9110 §11.1: the scheme is case-insensitive (`bearer`, `BEARER`), and
 * one or more spaces separate it from the credentials. Every reader of the header goes through `authenticate`
 * (the route guard, the rate limiter's user lookup, the personal event stream), so this is the one place.
 */
const BEARER = /^bearer +([A-Za-z0-9_.-]+) *$/i

/** Who a valid access token speaks for. */
export interface Principal {
  userId: string
  /** The refresh-token family (log-in session) the token was minted for; null for tokens that carry no `sid`. */
  sessionId: string | null
  /** The token's `exp`, in ms since the epoch. */
  expiresAtMs: number
}

export interface TokenService {
  /**
   * `issuedAtSec` pins `iat` (and so `exp`): the same inputs sign the same token, which is how a repeated
   * refresh within the grace window answers the same pair (auth/service.ts).
   */
  issueAccessToken(userId: string, opts?: { sessionId?: string; issuedAtSec?: number }): Promise<string>
  /** → the principal, or throws 401 UNAUTHORIZED */
  verifyAccessToken(token: string): Promise<Principal>
  /** The principal of an `Authorization: Bearer …` header value, or throws 401. */
  authenticate(header: string | null | undefined): Promise<Principal>
  /** The refresh token that succeeds this one in its family (see createSuccessorDeriver). */
  refreshSuccessor(token: string): { token: string; hash: Buffer }
  accessTtlSec: number
}

export function createTokenService(config: Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience' | 'accessTokenTtlSec'>): TokenService {
  if (!config.jwtSecret) throw new Error('JWT secret missing')
  const key = new TextEncoder().encode(config.jwtSecret)
  // Every authenticated request needs its caller twice (the rate limiter keys on it, then the route guard), and
  // buyers in a rush repeat the same token: a bounded map of tokens already verified, each entry never kept
  // past the token's own `exp`, makes that one HMAC check per token instead of two per request.
  const verified = new Map<string, Principal>()
  const VERIFIED_MAX = 10_000
  const verifyAccessToken = async (token: string): Promise<Principal> => {
    const hit = verified.get(token)
    if (hit) {
      if (hit.expiresAtMs > Date.now()) return hit
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
      if (payload.sid !== undefined && !isUuid(payload.sid)) throw unauthorized('The access token is invalid')
      const principal: Principal = { userId: payload.sub, sessionId: (payload.sid as string | undefined) ?? null, expiresAtMs: payload.exp! * 1000 }
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
      verified.set(token, principal)
      return principal
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired')
      throw unauthorized('The access token is invalid')
    }
  }
  return {
    accessTtlSec: config.accessTokenTtlSec,
    refreshSuccessor: createSuccessorDeriver(config.jwtSecret),
    issueAccessToken(userId, opts = {}) {
      const iat = opts.issuedAtSec ?? Math.floor(Date.now() / 1000)
      return new SignJWT(opts.sessionId ? { sid: opts.sessionId } : {})
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(config.jwtIssuer)
        .setAudience(config.jwtAudience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + config.accessTokenTtlSec)
        .sign(key)
    },
    verifyAccessToken,
    async authenticate(header) {
      const m = header ? BEARER.exec(header) : null
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

/**
 * The successor of a refresh token is derived from it: HMAC-SHA256 under a key of its own (HKDF of JWT_SECRET,
 * so it is never the signing key itself). Rotation stores only the successor's SHA-256, like any token; a repeat
 * of the same refresh inside the grace window re-derives the very same successor from the presented token
 * instead of reading it back, so no refresh token is ever stored, in plain text or encrypted. Without the key, a
 * token (or the whole database) says nothing about its successor.
 */
export function createSuccessorDeriver(jwtSecret: string): (token: string) => { token: string; hash: Buffer } {
  const key = Buffer.from(hkdfSync('sha256', jwtSecret, 'livedrop', 'refresh-token successor v1', 32))
  return (presented) => {
    const token = createHmac('sha256', key).update(presented).digest('base64url')
    return { token, hash: hashRefreshToken(token) }
  }
}
