import { afterAll, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { createTestContext, describeWithRedis, registerUser, testConfig, unique, type TestContext } from '../../test/helpers'
import { startServer } from '../../test/processes'
import type { Limit, LimitClass } from './rate-limit'

// The limiter picks a budget by the route the router matched. These tests send every limit class through the
// spellings a client can choose — trailing slash, double slash, case, percent-encoding, a query — and check
// that a spelling the router accepts is counted as its canonical route, and one it does not accept reaches no
// handler (404) and is counted against the generic budget of its method.

const contexts: TestContext[] = []
afterAll(() => Promise.all(contexts.map((c) => c.close())), 15_000)

async function context(limits: Partial<Record<LimitClass, Limit>>) {
  const c = createTestContext({ redisKeyPrefix: `${unique('rlalias')}:`, rateLimit: { ...testConfig().rateLimit, ...limits } })
  contexts.push(c)
  for (let i = 0; i < 100 && c.deps.backplane.client?.status !== 'ready'; i++) await Bun.sleep(20)
  return c
}

/** Raw `app.handle`: these paths are not the contract's spellings, so the contract check does not apply. */
async function send(c: TestContext, method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const res = await c.app.handle(new Request(`http://localhost${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }))
  const text = await res.text()
  return { status: res.status, limit: res.headers.get('ratelimit-limit'), remaining: res.headers.get('ratelimit-remaining'), body: text ? JSON.parse(text) : null }
}

const DROP = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
/** Spellings no route accepts: each must be a 404 that never reaches a handler. */
const unrouted = (canonical: string) => [
  `/${canonical}`, // double slash in front
  canonical.replace('/v1/', '/v1//'),
  canonical.replace('/v1/', '/V1/'),
  canonical.replace(/\/([a-z])([a-z]+)$/, (_, a: string, rest: string) => `/%${a.charCodeAt(0).toString(16).toUpperCase()}${rest}`), // /v1/%6Frders
  `${canonical}%2F`,
  `${canonical}//`,
]

describeWithRedis('rate-limit classes through route aliases', () => {
  test('orders: /v1/orders/, ?x, /./ all draw from the order budget; unrouted spellings are 404s on the write budget', async () => {
    const c = await context({ orders: { points: 4, windowSec: 60 }, writes: { points: 100, windowSec: 60 } })
    const u = await registerUser(c.api)
    const order = (path: string) => send(c, 'POST', path, { token: u.accessToken, body: { dropId: DROP, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
    const routed = []
    for (const path of ['/v1/orders/', '/v1/orders?x', '/v1/orders/?x=1', '/v1/x/../orders']) routed.push(await order(path))
    // Each reached the orders handler (unknown drop → 404 NOT_FOUND) on the 4-per-minute order budget.
    expect(routed.map((r) => [r.status, r.body.code, r.limit, r.remaining])).toEqual([
      [404, 'NOT_FOUND', '4', '3'], [404, 'NOT_FOUND', '4', '2'], [404, 'NOT_FOUND', '4', '1'], [404, 'NOT_FOUND', '4', '0'],
    ])
    const canonical = await order('/v1/orders')
    expect([canonical.status, canonical.body.code]).toEqual([429, 'RATE_LIMITED'])
    for (const path of unrouted('/v1/orders')) {
      const r = await order(path)
      expect([path, r.status, r.body.code, r.limit]).toEqual([path, 404, 'ROUTE_NOT_FOUND', '100'])
    }
    // Nothing that got past the limiter placed an order.
    const [{ n }] = await c.deps.sql`select count(*)::int as n from orders where user_id = ${u.user.id}`
    expect(n).toBe(0)
  })

  test('log-in and registration per address: /v1/auth/register/ and /v1/auth/login/?x share the auth budget', async () => {
    const c = await context({ authIp: { points: 3, windowSec: 60 }, writes: { points: 100, windowSec: 60 } })
    const name = unique('alias_')
    const reg = await send(c, 'POST', '/v1/auth/register/', { body: { username: name, email: `${name}@example.test`, password: 'correct horse battery' } })
    expect([reg.status, reg.limit, reg.remaining]).toEqual([201, '3', '2'])
    const login = await send(c, 'POST', '/v1/auth/login/?x', { body: { email: `${name}@example.test`, password: 'wrong password!' } })
    expect([login.status, login.limit, login.remaining]).toEqual([401, '3', '1'])
    const again = await send(c, 'POST', '/v1/auth/login/', { body: { email: `${name}@example.test`, password: 'wrong password!' } })
    expect([again.status, again.remaining]).toEqual([401, '0'])
    const refused = await send(c, 'POST', '/v1/auth/login', { body: { email: `${name}@example.test`, password: 'correct horse battery' } })
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED'])
    for (const path of unrouted('/v1/auth/login')) {
      const r = await send(c, 'POST', path, { body: { email: `${name}@example.test`, password: 'x' } })
      expect([path, r.status, r.body.code, r.limit]).toEqual([path, 404, 'ROUTE_NOT_FOUND', '100'])
    }
  })

  test('log-in per account: the trailing-slash alias is counted against the account', async () => {
    const c = await context({ authAccount: { points: 3, windowSec: 300 } })
    const u = await registerUser(c.api) // the registration counted once against the account
    const tries = []
    for (const path of ['/v1/auth/login/', '/v1/auth/login/?a=1', '/v1/auth/login']) tries.push(await send(c, 'POST', path, { body: { email: u.email, password: 'wrong password!' } }))
    expect(tries.map((r) => r.status)).toEqual([401, 401, 429])
    expect(tries[2].limit).toBe('3')
  })

  test('reads: aliases of list and item routes, and unrouted GETs, all draw from the read budget', async () => {
    const c = await context({ reads: { points: 6, windowSec: 60 } })
    const paths = ['/v1/drops/', '/v1/drops?x=1', `/v1/drops/${DROP}/`, `/v1/drops/%30${DROP.slice(1)}`, `//v1/drops/${DROP}`, '/V1/drops']
    const seen = []
    for (const path of paths) seen.push(await send(c, 'GET', path))
    expect(seen.map((r) => [r.limit, r.remaining])).toEqual([['6', '5'], ['6', '4'], ['6', '3'], ['6', '2'], ['6', '1'], ['6', '0']])
    expect(seen.map((r) => r.status)).toEqual([200, 400, 404, 404, 404, 404])
    expect(seen[3].body.code).toBe('NOT_FOUND') // the percent-encoded id reached the drops handler
    expect(seen[4].body.code).toBe('ROUTE_NOT_FOUND')
    expect((await send(c, 'GET', '/v1/drops')).status).toBe(429)
  })

  test('other writes: aliases and unrouted spellings all draw from the write budget, and a refused 404 is a 429', async () => {
    const c = await context({ writes: { points: 3, windowSec: 60 } })
    const body = { refreshToken: 'not-a-token' }
    const a = await send(c, 'POST', '/v1/auth/refresh/', { body })
    const b = await send(c, 'POST', '//v1/auth/logout', { body })
    const d = await send(c, 'POST', '/v1/auth/logout/?x', { body })
    expect([a.status, a.body.code, a.remaining]).toEqual([401, 'INVALID_REFRESH_TOKEN', '2'])
    expect([b.status, b.body.code, b.remaining]).toEqual([404, 'ROUTE_NOT_FOUND', '1'])
    expect([d.remaining, d.limit]).toEqual(['0', '3'])
    const refused = await send(c, 'POST', '/V1/auth/logout', { body })
    expect([refused.status, refused.body.code, refused.remaining]).toEqual([429, 'RATE_LIMITED', '0'])
  })
})

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    let out = ''
    s.on('data', (d) => (out += d.toString('latin1')))
    s.on('error', () => resolve(out))
    s.on('close', () => resolve(out))
    s.write(request)
  })
}

describeWithRedis('rate-limit classes through aliases on a real server', () => {
  test('Bun routes what the in-process app does not (a one-letter Host shifts Elysia\'s path): the budget still follows the route', async () => {
    const server = await startServer(3560, { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ORDERS: '3/60', RATE_LIMIT_WRITES: '100/10', REDIS_KEY_PREFIX: `${unique('rlalias')}:` })
    try {
      const post = async (path: string, host = `127.0.0.1:${server.port}`) => {
        const res = await raw(server.port, `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
        return [Number(res.slice(9, 12)), /ratelimit-limit: (\d+)/i.exec(res)?.[1] ?? null, /"code":"([A-Z_]+)"/.exec(res)?.[1]]
      }
      // Anonymous: the orders handler answers 401 once the limiter let the request through.
      expect(await post('/v1/orders/')).toEqual([401, '3', 'UNAUTHORIZED'])
      // With "Host: x" Elysia reads the path from a fixed offset and routes /v1/v1/orders/ as /v1/orders:
      // an alias nobody would list, counted as orders all the same.
      expect(await post('/v1/v1/orders/', 'x')).toEqual([401, '3', 'UNAUTHORIZED'])
      expect(await post('/v1/orders?x')).toEqual([401, '3', 'UNAUTHORIZED'])
      expect(await post('/v1/orders')).toEqual([429, '3', 'RATE_LIMITED'])
      expect(await post('/v1/%6Frders')).toEqual([404, '100', 'ROUTE_NOT_FOUND'])
    } finally {
      await server.stop()
    }
  })
})
