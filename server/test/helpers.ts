import { describe, expect } from 'bun:test'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, type Config } from '../src/config'
import { createDeps, type Deps } from '../src/deps'
import { createApp, type App } from '../src/app'
import { createLogger } from '../src/logger'
import { validateResponse } from '../src/contract/validate'

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef'
export const redisAvailable = () => Boolean(process.env.TEST_REDIS_URL)

/**
 * Several suites may run at once on one machine (parallel work trees): each run can take its own database
 * (TEST_DB_NAME), Redis key prefix (TEST_REDIS_PREFIX) and block of ports (TEST_PORT_OFFSET).
 */
export const testPort = (port: number) => port + Number(process.env.TEST_PORT_OFFSET || 0)
export const testRedisPrefix = () => process.env.TEST_REDIS_PREFIX || 'livedrop:'

export function testConfig(overrides: Partial<Config> = {}): Config & { databaseUrl: string; jwtSecret: string } {
  const base = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent', DATABASE_URL: process.env.TEST_DATABASE_URL, JWT_SECRET: TEST_JWT_SECRET,
    REDIS_URL: process.env.TEST_REDIS_URL || undefined, RUN_SCHEDULER: 'false', REDIS_KEY_PREFIX: testRedisPrefix(),
    // Set by the preload when the run goes through a PgBouncer (TEST_PGBOUNCER=1).
    DATABASE_POOL_MODE: process.env.TEST_DATABASE_POOL_MODE, DATABASE_DIRECT_URL: process.env.TEST_DATABASE_DIRECT_URL,
  })
  // Images a test stores go to a folder of the machine's temporary area, never into the work tree.
  base.images.storage = { kind: 'local', dir: join(tmpdir(), `livedrop-test-media-${process.pid}`) }
  return { ...base, ...overrides, databaseUrl: overrides.databaseUrl ?? base.databaseUrl!, jwtSecret: overrides.jwtSecret ?? TEST_JWT_SECRET }
}

export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export interface CallOptions {
  body?: unknown
  rawBody?: BodyInit
  token?: string
  headers?: Record<string, string>
  /** skip the contract check (only for tests of malformed traffic the spec cannot describe) */
  unchecked?: boolean
}

export type Api = <T = any>(method: string, path: string, opts?: CallOptions) => Promise<ApiResponse<T>>

/**
 * Calls the app in-process (no port) and checks every response against openapi.yaml: a response that is
 * not what the contract says fails the test that produced it.
 */
export function makeApi(handle: (req: Request) => Promise<Response> | Response): Api {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    let body: BodyInit | undefined = opts.rawBody
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body)
      headers['content-type'] ??= 'application/json'
    }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    const res = await handle(new Request(`http://localhost${path}`, { method, headers, body }))
    const text = await res.text()
    const type = res.headers.get('content-type')
    let parsed: any = text
    if (type && /json/.test(type) && text) parsed = JSON.parse(text)
    if (!opts.unchecked) {
      const problems = validateResponse(method, new URL(`http://localhost${path}`).pathname, res.status, text === '' ? null : type, text === '' ? undefined : parsed)
      if (problems.length) throw new Error(`response breaks the contract:\n  ${problems.join('\n  ')}\nbody: ${text.slice(0, 500)}`)
    }
    expect(res.headers.get('x-request-id')).toBeTruthy()
    return { status: res.status, headers: res.headers, body: parsed, text }
  }
}

export interface TestContext {
  deps: Deps
  app: App
  api: Api
  close(): Promise<void>
}

export function createTestContext(overrides: Partial<Config> = {}): TestContext {
  const config = testConfig(overrides)
  const deps = createDeps(config, createLogger(config))
  const app = createApp(deps)
  return { deps, app, api: makeApi((r) => app.handle(r)), close: () => deps.close() }
}

/**
 * Serves a test context's app on a real port (testPort(basePort), loopback): requests then come over real sockets,
 * in parallel, and carry a client address as in production. → the base URL, an `api` that checks every answer
 * against the contract like the in-process one, and `stop()`.
 */
export function listen(ctx: TestContext, basePort: number) {
  const port = testPort(basePort)
  ctx.app.listen({ port, hostname: '127.0.0.1', reusePort: false, idleTimeout: 0 })
  const url = `http://127.0.0.1:${port}`
  const api = makeApi((r) => {
    const u = new URL(r.url)
    return fetch(new Request(url + u.pathname + u.search, r))
  })
  return { port, url, api, stop: () => ctx.app.stop(true) }
}

let seq = 0
export const unique = (prefix = 'u') => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`

export async function registerUser(api: Api, over: Partial<{ username: string; email: string; password: string }> = {}) {
  const username = over.username ?? unique('user_')
  const email = over.email ?? `${username}@example.test`
  const password = over.password ?? 'correct horse battery'
  const res = await api('POST', '/v1/auth/register', { body: { username, email, password } })
  expect(res.status).toBe(201)
  return { ...res.body, email, password, username } as { user: any; accessToken: string; refreshToken: string; email: string; password: string; username: string }
}

export async function registerCreator(api: Api) {
  const u = await registerUser(api)
  const res = await api('POST', '/v1/creators', { token: u.accessToken, body: { handle: unique('h').toLowerCase(), displayName: 'Test Creator' } })
  expect(res.status).toBe(201)
  return { ...u, creator: res.body }
}

/**
 * A creator with a product and a drop of it, scheduled through the API and then made due and moved live by
 * the real scheduler (the start is pulled into the past in the database rather than waiting for it).
 */
export async function liveDrop(ctx: TestContext, opts: { initialStock?: number; perUserLimit?: number; lowStockThreshold?: number; priceCents?: number } = {}) {
  const { api, deps } = ctx
  const owner = await registerCreator(api)
  const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Hot item', priceCents: opts.priceCents ?? 1500, currency: 'EUR' } })
  expect(product.status).toBe(201)
  const drop = await api('POST', '/v1/drops', {
    token: owner.accessToken,
    body: {
      productId: product.body.id,
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      initialStock: opts.initialStock ?? 10,
      ...(opts.perUserLimit !== undefined ? { perUserLimit: opts.perUserLimit } : {}),
      ...(opts.lowStockThreshold !== undefined ? { lowStockThreshold: opts.lowStockThreshold } : {}),
    },
  })
  expect(drop.status).toBe(201)
  await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
  await deps.scheduler.tick()
  const live = await api('GET', `/v1/drops/${drop.body.id}`)
  expect(live.body.status).toBe('live')
  return { owner, product: product.body, drop: live.body as any }
}

export async function auditOf(ctx: TestContext, dropId: string, ownerToken: string) {
  const res = await ctx.api('GET', `/v1/drops/${dropId}/audit`, { token: ownerToken })
  expect(res.status).toBe(200)
  return res.body as { initialStock: number; availableStock: number; sold: number; cancelled: number; adjusted: number; confirmedQuantity: number; ledgerSum: number; invariantHolds: boolean }
}

export const hasRedis = () => Boolean(process.env.TEST_REDIS_URL)
export const hasRedisServer = () => Bun.which('redis-server') !== null

/**
 * describe() for suites that need a real Redis (and, with `server: true`, the redis-server binary to start
 * one of their own). Where there is none — `npm test` on a machine with only Node and npm — the suite is
 * skipped with a loud SKIPPED line, never silently; CI (.ci/run) fails on any skip.
 */
export function describeWithRedis(name: string, fn: () => void, opts: { server?: boolean } = {}) {
  const missing = !hasRedis() ? `a reachable Redis (REDIS_URL or 127.0.0.1:6379)` : opts.server && !hasRedisServer() ? 'the redis-server binary' : null
  if (missing) console.error(`SKIPPED: "${name}" needs ${missing}`)
  return describe.skipIf(missing !== null)(name, fn)
}

/** describeWithRedis for suites that also start (and stop) a redis-server of their own. */
export const describeWithRedisServer = (name: string, fn: () => void) => describeWithRedis(name, fn, { server: true })
