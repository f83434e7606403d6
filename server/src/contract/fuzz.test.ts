/**
 * A seeded fuzz walk of every operation in openapi.yaml against a real server (bun server/src/main.ts) on a
 * database of its own. Each generated request — malformed bodies, parameters and headers from
 * test/fuzz/hostile.ts — is sent anonymously and as an authenticated user, and the run fails on:
 *   - any 5xx, or a request slower than FUZZ_SLOW_MS;
 *   - a 4xx that is not application/problem+json with its status and a code the contract documents, or
 *     whose status the operation the request reached does not document (unless it is about the request as
 *     a whole: no such route, the body's size, type or syntax, the rate limit);
 *   - any change to any table (row count or content) by a request that must not write: every GET, and every
 *     refused request (bad input is never a partial write);
 *   - a concurrent probe (GET /v1/drops/{id}, every 100 ms) slower than FUZZ_PROBE_MS: one request must never
 *     stall the others.
 * The seed is printed; FUZZ_SEED replays a run, FUZZ_RUNS (per operation) lengthens it, FUZZ_OPS=opId,…
 * narrows it to some operations.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import type { Sql } from 'postgres'
import { createSql, migrate } from '../db'
import { ensureDatabase } from '../embedded'
import { unique } from '../../test/helpers'
import { startServer, type ServerProcess } from '../../test/processes'
import { changedTables, fingerprint, settled, type Fingerprint } from '../../test/fuzz/fingerprint'
import { operations, requestsFor, type Fixtures, type FuzzRequest, type Operation } from '../../test/fuzz/requests'
import { spec } from './spec'
import { findOperation } from './validate'

const SEED = Number(process.env.FUZZ_SEED || Date.now() % 2 ** 31)
const RUNS = Number(process.env.FUZZ_RUNS || 12)
const PROBE_MS = Number(process.env.FUZZ_PROBE_MS || 2000)
const SLOW_MS = Number(process.env.FUZZ_SLOW_MS || 5000)
const ONLY = process.env.FUZZ_OPS?.split(',').map((s) => s.trim()).filter(Boolean)
console.error(`[fuzz] seed ${SEED}, ${RUNS} runs per operation — replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`)

/**
 * Writes a refusal may make by design: the first answer to an Idempotency-Key is kept and replayed to its
 * retries, refusals (unknown drop, sold out…) included — so a refused order stores its key.
 */
const WRITES_ON_REFUSAL: Record<string, string[]> = { createOrder: ['idempotency_keys'] }
/** Bun answers 431 itself past this much request line + headers (README: what only Bun answers). */
const BUN_HEADER_LIMIT = 16 * 1024

/**
 * Answers about the request as a whole rather than the operation, which the contract does not repeat on
 * every operation: a path no route matches (a traversal folded by the URL parser, another method), a body
 * where none is expected (its media type, size or syntax), and the rate limiter.
 */
const ANY_OPERATION = new Set(['ROUTE_NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'MALFORMED_JSON', 'JSON_TOO_DEEP', 'RATE_LIMITED'])

/** Every error code the contract documents (its description lists them). */
/** The contract's codes with their one status (ErrorCode and its x-errors). */
const DOCUMENTED_CODES = new Map<string, number>(Object.entries<{ status: number }>(spec.components.schemas.ErrorCode['x-errors']).map(([c, m]) => [c, m.status]))

let server: ServerProcess
let sql: Sql
let fixtures: Fixtures
const tokens: Record<'owner' | 'user', string> = { owner: '', user: '' }
let current: Fingerprint
let probeId = ''

// The probe: a cheap public read, timed while the fuzzer works. `inFlight` names what was being sent.
let inFlight = ''
const slowProbes: string[] = []
let probing = true
let probeLoop: Promise<void>
let probeBaseline = 0

async function call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(server.url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`fixture ${method} ${path} → ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

async function register(prefix: string) {
  const username = unique(prefix)
  return call('POST', '/v1/auth/register', { body: { username, email: `${username}@example.test`, password: 'correct horse battery' } })
}

beforeAll(async () => {
  // A database of its own: the fingerprint reads every table, which stays cheap when the tables hold only this.
  const base = new URL(process.env.TEST_DATABASE_URL!)
  const name = `${base.pathname.slice(1)}_fuzz`
  const admin = new URL(base)
  admin.pathname = '/postgres'
  await ensureDatabase(admin.toString(), name, true)
  const url = new URL(base)
  url.pathname = `/${name}`
  sql = createSql(url.toString(), { dbPoolMax: 2, dbStatementTimeoutMs: 30_000 })
  await migrate(sql)
  const huge = '1000000000/10'
  server = await startServer(3562, {
    DATABASE_URL: url.toString(),
    // The limiter runs (its code is part of the surface) with budgets the fuzzer never spends.
    RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_READS: huge, RATE_LIMIT_WRITES: huge, RATE_LIMIT_ORDERS: huge, RATE_LIMIT_AUTH_IP: huge, RATE_LIMIT_AUTH_ACCOUNT: huge,
    REDIS_KEY_PREFIX: `${unique('fuzz')}:`,
    // A long run (FUZZ_RUNS) must not fall back to anonymous answers when the fixtures' tokens expire.
    ACCESS_TOKEN_TTL_SEC: '86400',
  })

  const owner = await register('fuzz_owner_')
  const user = await register('fuzz_user_')
  tokens.owner = owner.accessToken
  tokens.user = user.accessToken
  const creator = await call('POST', '/v1/creators', { token: owner.accessToken, body: { handle: unique('fz').toLowerCase(), displayName: 'Fuzz Creator' } })
  const product = await call('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Fuzz item', priceCents: 500, currency: 'EUR' } })
  const drop = (startsAt: number) => call('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: new Date(startsAt).toISOString(), initialStock: 100_000, perUserLimit: 1000 } })
  // Goes live by the server's own scheduler while the rest is set up.
  const live = await drop(Date.now() + 1500)
  const scheduled = await drop(Date.now() + 3 * 86_400_000)
  await call('POST', `/v1/creators/${creator.id}/follow`, { token: user.accessToken })
  for (let i = 0; i < 100 && (await call('GET', `/v1/drops/${live.id}`)).status !== 'live'; i++) await Bun.sleep(100)
  const order = await call('POST', '/v1/orders', { token: user.accessToken, body: { dropId: live.id, quantity: 1 }, headers: { 'idempotency-key': 'fuzz-fixture' } })
  let notification: { id: string } | undefined
  for (let i = 0; i < 100 && !notification; i++) {
    notification = (await call('GET', '/v1/me/notifications', { token: user.accessToken })).items[0]
    if (!notification) await Bun.sleep(50)
  }
  fixtures = {
    userId: [owner.user.id, user.user.id],
    creatorId: [creator.id],
    productId: [product.id],
    dropId: [live.id, scheduled.id],
    orderId: [order.id],
    notificationId: notification ? [notification.id] : [],
  }
  probeId = live.id

  const times: number[] = []
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now()
    await fetch(`${server.url}/v1/drops/${probeId}`).then((r) => r.text())
    times.push(performance.now() - t0)
  }
  probeBaseline = Math.max(...times)
  console.error(`[fuzz] probe baseline: max ${probeBaseline.toFixed(1)} ms over 10 calls; limit ${PROBE_MS} ms`)
  probeLoop = (async () => {
    while (probing) {
      const t0 = performance.now()
      const during = inFlight
      await fetch(`${server.url}/v1/drops/${probeId}`).then((r) => r.text()).catch((e) => `probe failed: ${e}`)
      const ms = performance.now() - t0
      if (ms > PROBE_MS) slowProbes.push(`probe took ${ms.toFixed(0)} ms while sending: ${during || inFlight}`)
      await Bun.sleep(100)
    }
  })()
  current = await settled(sql)
}, 120_000)

afterAll(async () => {
  probing = false
  await probeLoop
  await server?.stop()
  await sql?.end()
})

const show = (req: FuzzRequest, who: string) =>
  `${req.method} ${req.url.slice(0, 300)} as ${who}\n  headers: ${JSON.stringify(req.headers).slice(0, 400)}\n  body: ${JSON.stringify(req.body?.slice(0, 300))}${(req.body?.length ?? 0) > 300 ? ` (${req.body!.length} chars)` : ''}`

/** Why a problem body is not a precise, documented answer to `req`, or null when it is. */
function problemMismatch(req: FuzzRequest, status: number, problem: { status?: unknown; code?: unknown }): string | null {
  if (problem.status !== status || DOCUMENTED_CODES.get(String(problem.code)) !== status) return 'problem with a wrong status or an undocumented code'
  // The operation the request reached (another one than the walked operation when the method changed or
  // the URL parser folded the path; a trailing slash is an alias of the route without it) must document the
  // status, unless the answer is about the request as a whole.
  const reached = findOperation(req.method, new URL(server.url + req.url).pathname.replace(/(.)\/$/, '$1'))
  if (reached?.op.responses[String(status)] !== undefined || ANY_OPERATION.has(String(problem.code))) return null
  return `${status} ${problem.code} is not an answer ${reached ? reached.op.operationId : 'of any operation'} documents`
}

/** One send of `req` and every check on what came back. */
/**
 * Written only by background consumers of the outbox (notifier, webhook fan-out and delivery, at their own
 * pace: the webhook worker polls every 250 ms, longer than "settled" waits), never by a request. A request that
 * wrongly emitted an event still shows: the outbox itself is checked.
 */
const BACKGROUND_TABLES = ['outbox_cursors', 'notifications', 'webhook_deliveries', 'webhook_attempts']

async function sendAndCheck(op: Operation, req: FuzzRequest, who: 'anonymous' | 'owner' | 'user') {
  const headers = { ...req.headers }
  if (who !== 'anonymous') headers.authorization = `Bearer ${tokens[who]}`
  else if (req.anonymousAuthorization) headers.authorization = req.anonymousAuthorization
  const label = show(req, who)
  inFlight = label
  const t0 = performance.now()
  let res: Response
  try {
    res = await fetch(server.url + req.url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SLOW_MS + 15_000),
    })
  } catch (err) {
    throw new Error(`no answer (${err}) to ${label}`)
  }
  const type = res.headers.get('content-type') ?? ''
  // A stream that was opened stays open: its status and headers are the answer.
  const text = type.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text()
  const ms = performance.now() - t0
  inFlight = ''
  const answer = `→ ${res.status} ${type} ${text.slice(0, 300)}`
  const head = req.method.length + req.url.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0)
  if (head > BUN_HEADER_LIMIT - 512) {
    // Near Bun's limit the exact count (Host, User-Agent…) decides; past it the answer must be Bun's 431.
    if (res.status === 431 || head < BUN_HEADER_LIMIT) return
    throw new Error(`${head} bytes of request head, not refused with 431: ${label}\n${answer}`)
  }
  if (res.status >= 500) throw new Error(`5xx: ${label}\n${answer}`)
  if (ms > SLOW_MS) throw new Error(`took ${ms.toFixed(0)} ms: ${label}\n${answer}`)
  if (!res.headers.get('x-request-id')) throw new Error(`no X-Request-Id: ${label}\n${answer}`)
  if (res.status >= 400) {
    if (type !== 'application/problem+json') throw new Error(`4xx that is not problem+json: ${label}\n${answer}`)
    // HEAD answers as GET would, without the body to read.
    if (req.method !== 'HEAD') {
      const problem = JSON.parse(text)
      const wrong = problemMismatch(req, res.status, problem)
      if (wrong) throw new Error(`${wrong}: ${label}\n${answer}`)
    }
  }
  if (res.status >= 400 || req.method === 'GET' || req.method === 'HEAD') {
    const allowed = [...BACKGROUND_TABLES, ...(res.status >= 400 ? (WRITES_ON_REFUSAL[op.id] ?? []) : [])]
    const after = await fingerprint(sql)
    let changed = changedTables(current, after).filter((t) => !allowed.includes(t))
    // A write that is still settling from an earlier accepted request would show here too: settle and look again.
    if (changed.length) {
      const later = await settled(sql)
      changed = changedTables(current, later).filter((t) => !allowed.includes(t))
      current = later
    } else current = after
    if (changed.length) throw new Error(`wrote to ${changed.join(', ')} although it ${res.status >= 400 ? `was refused (${res.status})` : 'is a read'}: ${label}\n${answer}`)
  } else {
    current = await settled(sql)
  }
  if (slowProbes.length) throw new Error(`${slowProbes.splice(0).join('\n')}\n(last sent: ${label}\n${answer})`)
}

describe(`fuzz: every operation in openapi.yaml (seed ${SEED})`, () => {
  const ops = operations().filter((op) => !ONLY || ONLY.includes(op.id))
  test('walks every operation of the contract', () => {
    if (!ONLY) expect(ops.length).toBe(Object.values(spec.paths).flatMap((p: any) => Object.keys(p).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))).length)
  })
  ops.forEach((op: Operation, i) => {
    test(`${op.method} ${op.template} (${op.id})`, async () => {
      // Whatever an earlier operation left settling (or a failed check left unrecorded) is the new baseline.
      current = await settled(sql)
      slowProbes.length = 0
      await fc.assert(
        fc.asyncProperty(requestsFor(op, fixtures), async (req) => {
          await sendAndCheck(op, req, 'anonymous')
          await sendAndCheck(op, req, req.who)
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      )
    }, 60_000 + RUNS * 5_000)
  })
})
