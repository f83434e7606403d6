import type { RedisClient } from '../redis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Logger } from '../logger'
import { fallbackTracker, type Metrics } from './metrics'
import type { Breaker } from './breaker'

export type LimitClass = 'reads' | 'writes' | 'orders' | 'authIp' | 'authAccount'
export const LIMIT_CLASSES: LimitClass[] = ['reads', 'writes', 'orders', 'authIp', 'authAccount']

export interface Limit {
  points: number
  windowSec: number
}

export interface Decision {
  allowed: boolean
  limit: number
  remaining: number
  /** seconds until the window resets */
  resetSec: number
}

export interface RateLimiter {
  consume(cls: LimitClass, key: string): Promise<Decision>
  /** whether the limiter currently runs on its in-process fallback */
  readonly degraded: boolean
}

/**
 * Fixed-window counters kept in Redis (one atomic Lua INCR+PTTL step per request, via rate-limiter-flexible),
 * so every instance draws from the same budget. When Redis is not ready or a command fails or times out
 * (ioredis commandTimeout, 200 ms), the same request is counted by an in-process limiter instead: the
 * budget becomes per instance for the duration, which errs on the side of serving. Every Redis step goes
 * through the backplane's circuit breaker: once one has failed or timed out, the others go to the in-process
 * limiter at once (no request waits for a hung Redis), until the breaker's probe finds Redis back.
 */
export function createRateLimiter(deps: { client: RedisClient | null; breaker?: Breaker; prefix: string; limits: Record<LimitClass, Limit>; metrics: Metrics; log: Logger }): RateLimiter {
  const health = fallbackTracker(deps.metrics, 'rate_limit', deps.log)
  const classes = Object.fromEntries(
    LIMIT_CLASSES.map((cls) => {
      const { points, windowSec } = deps.limits[cls]
      const memory = new RateLimiterMemory({ keyPrefix: cls, points, duration: windowSec })
      let redis = deps.client
        ? new RateLimiterRedis({ storeClient: deps.client, keyPrefix: `${deps.prefix}rl:${cls}`, points, duration: windowSec, rejectIfRedisNotReady: true })
        : null
      // A refusal (RateLimiterRes, not an Error) passes through the breaker without tripping it.
      if (redis && deps.breaker) redis = deps.breaker.guard(redis)
      return [cls, { points, windowSec, memory, redis }]
    }),
  ) as Record<LimitClass, { points: number; windowSec: number; memory: RateLimiterMemory; redis: RateLimiterRedis | null }>

  const decide = (points: number, res: RateLimiterRes, allowed: boolean): Decision => ({
    allowed,
    limit: points,
    remaining: Math.max(0, res.remainingPoints),
    resetSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  })

  async function consumeIn(limiter: RateLimiterMemory | RateLimiterRedis, points: number, key: string): Promise<Decision> {
    try {
      return decide(points, await limiter.consume(key), true)
    } catch (err) {
      // rate-limiter-flexible rejects with the RateLimiterRes itself when the budget is spent.
      if (err instanceof RateLimiterRes) return decide(points, err, false)
      throw err
    }
  }

  // Leases: a Redis round trip per request would cost more than the cached read it guards, so an instance
  // takes `batch` units of a key's budget at once and spends them locally. The shared counter still sees
  // every unit taken, so N instances never admit more than the limit; the price is that up to
  // N × batch units may sit unused in leases and the budget runs out slightly early. Budgets too small to
  // split (orders, per-account log-in) get batch 1: exact, one Redis step per request.
  const leases = new Map<string, { left: number; remainingShared: number; until: number }>()
  const refills = new Map<string, Promise<Decision>>()
  const batchOf = (points: number) => Math.max(1, Math.min(100, Math.floor(points / 100)))

  async function takeLease(cls: LimitClass, key: string, redis: RateLimiterRedis, points: number, batch: number): Promise<Decision> {
    const id = `${cls}\0${key}`
    let res: RateLimiterRes
    let refused = false
    try {
      res = await redis.consume(key, batch)
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err
      res = err
      refused = true
    }
    // The part of the batch that fitted in the window's budget is ours to spend.
    const granted = refused ? Math.max(0, batch - (res.consumedPoints - points)) : batch
    if (granted === 0) return decide(points, res, false)
    if (leases.size > 100_000) leases.clear()
    const until = Date.now() + res.msBeforeNext
    leases.set(id, { left: granted - 1, remainingShared: Math.max(0, points - res.consumedPoints), until })
    return { allowed: true, limit: points, remaining: Math.max(0, points - res.consumedPoints) + granted - 1, resetSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) }
  }

  return {
    get degraded() {
      return health.active
    },
    async consume(cls, key) {
      const c = classes[cls]
      if (c.redis) {
        const batch = batchOf(c.points)
        const id = `${cls}\0${key}`
        const lease = batch > 1 ? leases.get(id) : undefined
        const now = Date.now()
        if (lease && lease.left > 0 && lease.until > now) {
          lease.left--
          return { allowed: true, limit: c.points, remaining: lease.remainingShared + lease.left, resetSec: Math.max(1, Math.ceil((lease.until - now) / 1000)) }
        }
        try {
          let d: Decision
          if (batch === 1) d = await consumeIn(c.redis, c.points, key)
          else {
            // Concurrent requests of one key share one refill rather than each taking a batch.
            let refill = refills.get(id)
            if (!refill) {
              refill = takeLease(cls, key, c.redis, c.points, batch).finally(() => refills.delete(id))
              refills.set(id, refill)
              d = await refill
            } else {
              await refill.catch(() => {})
              return this.consume(cls, key)
            }
          }
          health.ok()
          return d
        } catch (err) {
          health.failed(err)
        }
      }
      return consumeIn(c.memory, c.points, key)
    },
  }
}

/** Trusted proxy addresses: exact IPs or IPv4 CIDR blocks. */
export function proxyMatcher(entries: string[]): (ip: string) => boolean {
  const exact = new Set<string>()
  const blocks: Array<[number, number]> = []
  for (const e of entries) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(e)
    if (m) {
      const bits = Number(m[2])
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
      blocks.push([(ipv4ToInt(m[1])! & mask) >>> 0, mask])
    } else exact.add(normalizeIp(e))
  }
  return (ip) => {
    const n = normalizeIp(ip)
    if (exact.has(n)) return true
    const v4 = ipv4ToInt(n)
    return v4 !== null && blocks.some(([net, mask]) => ((v4 & mask) >>> 0) === net)
  }
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.')
  if (parts.length !== 4) return null
  let n = 0
  for (const p of parts) {
    const b = Number(p)
    if (!/^\d{1,3}$/.test(p) || b > 255) return null
    n = n * 256 + b
  }
  return n >>> 0
}

const normalizeIp = (ip: string) => ip.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')

/**
 * The client's address: the socket peer, unless the peer is a configured trusted proxy, in which case the
 * right-most `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left are written by
 * the client and can be forged). With no trusted proxies configured the header is never read.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | null, trusted: (ip: string) => boolean): string | undefined {
  if (!peer) return undefined
  if (!forwardedFor || !trusted(peer)) return normalizeIp(peer)
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted(hops[i])) return normalizeIp(hops[i])
  }
  return normalizeIp(hops[0] ?? peer)
}
