import { Elysia } from 'elysia'
import { AppError } from '../errors'
import type { Metrics } from './metrics'
import { clientIp, proxyMatcher, type Decision, type LimitClass, type RateLimiter } from './rate-limit'

export interface RateLimitHttpOptions {
  limiter: RateLimiter
  metrics: Metrics
  trustedProxies: string[]
  /** the user id of a valid `Authorization: Bearer` header, else null (never throws) */
  userOf(authorization: string): Promise<string | null>
}

// Requests that arrive without a socket (in-process `app.handle`, i.e. tests) get a budget of their own per
// process rather than one shared with every other process using the same Redis.
const IN_PROCESS = `in-process:${crypto.randomUUID()}`

function classOf(method: string, path: string): LimitClass {
  if (method === 'GET' || method === 'HEAD') return 'reads'
  if (method === 'POST') {
    if (path === '/v1/orders') return 'orders'
    if (path === '/v1/auth/login' || path === '/v1/auth/register') return 'authIp'
  }
  return 'writes'
}

function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  const q = url.indexOf('?', start)
  return q === -1 ? url.slice(start) : url.slice(start, q)
}

const headersOf = (d: Decision) => ({
  'ratelimit-limit': String(d.limit),
  'ratelimit-remaining': String(d.remaining),
  'ratelimit-reset': String(d.resetSec),
})

const refusal = (d: Decision) =>
  new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${d.resetSec} s`, { headers: { ...headersOf(d), 'retry-after': String(d.resetSec) } })

/**
 * Counts every /v1 request against its class before routing or body parsing (so a flood costs one counter
 * step each), keyed by the authenticated user when the access token is valid and by client address
 * otherwise. Log-in and registration are also counted per account (the email), once the body is parsed, so
 * that one account cannot be brute-forced from many addresses. Every /v1 answer carries the RateLimit-*
 * headers of its most constrained budget; a refusal is 429 RATE_LIMITED with Retry-After.
 */
export function rateLimitHttp(opts: RateLimitHttpOptions) {
  const trusted = proxyMatcher(opts.trustedProxies)
  const refuse = (cls: LimitClass, d: Decision) => {
    opts.metrics.rateLimited.inc({ class: cls })
    return refusal(d)
  }
  return new Elysia({ name: 'rate-limit' })
    .onRequest(async ({ request, set, server }) => {
      const path = pathOf(request.url)
      if (!path.startsWith('/v1/')) return
      const cls = classOf(request.method, path)
      const auth = request.headers.get('authorization')
      const user = auth && cls !== 'authIp' ? await opts.userOf(auth) : null
      let key: string
      if (user) key = `u:${user}`
      else {
        const ip = clientIp(server?.requestIP(request)?.address, request.headers.get('x-forwarded-for'), trusted)
        key = ip ? `ip:${ip}` : IN_PROCESS
      }
      const d = await opts.limiter.consume(cls, key)
      Object.assign(set.headers, headersOf(d))
      if (!d.allowed) throw refuse(cls, d)
    })
    .onBeforeHandle({ as: 'global' }, async ({ request, body, set }) => {
      if (request.method !== 'POST') return
      const path = pathOf(request.url)
      if (path !== '/v1/auth/login' && path !== '/v1/auth/register') return
      const email = (body as { email?: unknown } | undefined)?.email
      if (typeof email !== 'string') return
      const d = await opts.limiter.consume('authAccount', `acct:${Bun.hash(email.trim().toLowerCase()).toString(36)}`)
      if (!d.allowed) throw refuse('authAccount', d)
      if (d.remaining < Number(set.headers['ratelimit-remaining'] ?? Infinity)) Object.assign(set.headers, headersOf(d))
    })
}
