import { Elysia } from 'elysia'
import { AppError, problemResponse } from '../errors'
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

/**
 * Budgets are chosen by the route the router MATCHED (Elysia's `route`: the template a handler was
 * registered under), never by the request's path. The router accepts aliases of a route — a trailing slash
 * (`/v1/orders/`), dot segments the URL parser folds (`/v1/x/../orders`), a query however spelled — and a
 * classifier of raw paths has to enumerate them, which is how `POST /v1/orders/` once got the generic write
 * budget (600 instead of 20) and `/v1/auth/login/` escaped the per-account limit. Keyed by the matched
 * template, every alias the router accepts, today or after an upgrade, is counted as its canonical route by
 * construction. We keep the aliases (rather than refusing them with 404 via `strictPath`) because clients
 * and proxies that add a slash then keep working and nothing here depends on the spelling. Spellings the
 * router does not accept (`//v1/orders`, `/V1/orders`, `/v1/%6Frders`) reach no handler: they are 404s,
 * counted against the generic budget of their method.
 */
const ROUTE_CLASSES: Record<string, LimitClass> = {
  'POST /v1/orders': 'orders',
  'POST /v1/auth/login': 'authIp',
  'POST /v1/auth/register': 'authIp',
}
/** Routes whose body names an account (the email) that is also limited on its own, whatever the address. */
const ACCOUNT_ROUTES = new Set(['POST /v1/auth/login', 'POST /v1/auth/register'])

const genericClass = (method: string): LimitClass => (method === 'GET' || method === 'HEAD' ? 'reads' : 'writes')
const classOf = (method: string, route: string): LimitClass => ROUTE_CLASSES[`${method} ${route}`] ?? genericClass(method)

const headersOf = (d: Decision) => ({
  'ratelimit-limit': String(d.limit),
  'ratelimit-remaining': String(d.remaining),
  'ratelimit-reset': String(d.resetSec),
})

const refusal = (d: Decision) =>
  new AppError('RATE_LIMITED', `Too many requests; retry in ${d.resetSec} s`, { headers: { ...headersOf(d), 'retry-after': String(d.resetSec) } })

type Peer = { requestIP(request: Request): { address: string } | null } | null

/**
 * Counts every /v1 request against its class as the first step after routing, before the body is read (so
 * a flood costs one counter step each), keyed by the authenticated user when the access token is valid and
 * by client address otherwise. Log-in and registration are also counted per account (the email), once the
 * body is parsed, so that one account cannot be brute-forced from many addresses. Every /v1 answer carries
 * the RateLimit-* headers of its most constrained budget; a refusal is 429 RATE_LIMITED with Retry-After.
 *
 * Register it before the plugin that parses bodies: parse hooks run in registration order, and this one
 * must come first.
 */
export function rateLimitHttp(opts: RateLimitHttpOptions) {
  const trusted = proxyMatcher(opts.trustedProxies)
  // Routes with a body are counted in the parse step, the others in transform (the first step they have);
  // the set keeps a request from being counted in both.
  const counted = new WeakSet<Request>()

  async function count(request: Request, server: Peer, cls: LimitClass, headers: Record<string, unknown>): Promise<Decision> {
    counted.add(request)
    const auth = request.headers.get('authorization')
    const user = auth && cls !== 'authIp' ? await opts.userOf(auth) : null
    let key: string
    if (user) key = `u:${user}`
    else {
      const ip = clientIp(server?.requestIP(request)?.address, request.headers.get('x-forwarded-for'), trusted)
      key = ip ? `ip:${ip}` : IN_PROCESS
    }
    const d = await opts.limiter.consume(cls, key)
    Object.assign(headers, headersOf(d))
    if (!d.allowed) opts.metrics.rateLimited.inc({ class: cls })
    return d
  }

  // Operational routes (/healthz, /readyz, /metrics, /docs) are probes and are not counted.
  const limitMatched = async ({ request, route, server, set }: { request: Request; route: string; server: Peer; set: { headers: Record<string, unknown> } }) => {
    if (counted.has(request) || !route.startsWith('/v1/')) return
    const d = await count(request, server, classOf(request.method, route), set.headers)
    if (!d.allowed) throw refusal(d)
  }

  return new Elysia({ name: 'rate-limit' })
    .onParse({ as: 'global' }, async ({ request, route, server, set }) => {
      await limitMatched({ request, route, server, set })
      // undefined: the body is left to the next parser
    })
    .onTransform({ as: 'global' }, limitMatched)
    .onError({ as: 'global' }, async ({ code, request, server, set }) => {
      // No route matched: nothing ran, so the request is counted here, against its method's generic budget.
      if (code !== 'NOT_FOUND' || counted.has(request)) return
      const d = await count(request, server, genericClass(request.method), set.headers)
      if (!d.allowed) return problemResponse(refusal(d), String(set.headers['x-request-id'] ?? ''))
    })
    .onBeforeHandle({ as: 'global' }, async ({ request, route, body, set }) => {
      if (!ACCOUNT_ROUTES.has(`${request.method} ${route}`)) return
      const email = (body as { email?: unknown } | undefined)?.email
      if (typeof email !== 'string') return
      const d = await opts.limiter.consume('authAccount', `acct:${Bun.hash(email.trim().toLowerCase()).toString(36)}`)
      if (!d.allowed) {
        opts.metrics.rateLimited.inc({ class: 'authAccount' })
        throw refusal(d)
      }
      if (d.remaining < Number(set.headers['ratelimit-remaining'] ?? Infinity)) Object.assign(set.headers, headersOf(d))
    })
}
