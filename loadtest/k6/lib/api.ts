/** The API calls setup() and teardown() make: seeding through the public API and the stock audit. */
import http, { type RefinedResponse, type ResponseType } from 'k6/http'
import { fail, sleep } from 'k6'
import { BASE_URL } from './config.ts'
// The contract's types (generated into the SDK): type-only, so k6 erases the import when it strips the types.
import type { components } from '../../../sdk/src/schema'

type S = components['schemas']

const PASSWORD = 'loadtest-password-1'
const JSON_HEADERS = { 'content-type': 'application/json' }

export function auth(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...JSON_HEADERS, authorization: `Bearer ${token}`, ...extra }
}

function must<T>(res: RefinedResponse<ResponseType | undefined>, expected: number, what: string): T {
  if (res.status !== expected) fail(`${what} → ${res.status} (expected ${expected}): ${String(res.body).slice(0, 300)}`)
  return res.json() as T
}

/** A request body, checked against the contract's schema at compile time. */
const body = <K extends keyof S>(_schema: K, value: S[K]): string => JSON.stringify(value)

/** setup() calls this first: a run against a target that is down stops here with one clear line. */
export function assertUp(): void {
  const res = http.get(`${BASE_URL}/healthz`, { timeout: '5s', tags: { name: 'setup' } })
  if (res.status !== 200) fail(`target ${BASE_URL} is not up: GET /healthz → ${res.status} ${res.error}`)
}

export interface Session {
  userId: string
  token: string
}

function registerBody(username: string): string {
  return body('RegisterRequest', { username, email: `${username}@loadtest.livedrop.test`, password: PASSWORD })
}

/** Registers `count` buyers, 20 at a time (registration hashes a password: tens of ms of server CPU each). */
export function registerMany(prefix: string, count: number): Session[] {
  const sessions: Session[] = []
  for (let i = 0; i < count; i += 20) {
    const batch = []
    for (let j = i; j < Math.min(count, i + 20); j++) {
      batch.push({ method: 'POST', url: `${BASE_URL}/v1/auth/register`, body: registerBody(`${prefix}_${j}`), params: { headers: JSON_HEADERS, tags: { name: 'setup' } } })
    }
    for (const res of http.batch(batch)) {
      const s = must<S['AuthSession']>(res, 201, 'POST /v1/auth/register')
      sessions.push({ userId: s.user.id, token: s.accessToken })
    }
  }
  return sessions
}

export function createCreator(runId: string): { token: string; creatorId: string } {
  const s = must<S['AuthSession']>(http.post(`${BASE_URL}/v1/auth/register`, registerBody(`${runId}_creator`), { headers: JSON_HEADERS, tags: { name: 'setup' } }), 201, 'register creator')
  const c = must<S['Creator']>(http.post(`${BASE_URL}/v1/creators`, body('CreateCreatorRequest', { handle: `lt-${runId}`.toLowerCase(), displayName: `Load test ${runId}` }), { headers: auth(s.accessToken), tags: { name: 'setup' } }), 201, 'POST /v1/creators')
  return { token: s.accessToken, creatorId: c.id }
}

export function createProduct(token: string, n: number): string {
  const product = body('CreateProductRequest', { title: `Load test sneaker ${n}`, description: 'Seeded by the LiveDrop k6 scripts.', priceCents: 9900 + n, currency: 'EUR' })
  return must<S['Product']>(http.post(`${BASE_URL}/v1/products`, product, { headers: auth(token), tags: { name: 'setup' } }), 201, 'POST /v1/products').id
}

export function createDrop(token: string, spec: { productId: string; initialStock: number; perUserLimit?: number; startsInSec: number }): { id: string; startsAt: string } {
  const draft: S['CreateDropRequest'] = { productId: spec.productId, startsAt: new Date(Date.now() + spec.startsInSec * 1000).toISOString(), initialStock: spec.initialStock }
  if (spec.perUserLimit !== undefined) draft.perUserLimit = spec.perUserLimit
  const d = must<S['Drop']>(http.post(`${BASE_URL}/v1/drops`, body('CreateDropRequest', draft), { headers: auth(token), tags: { name: 'setup' } }), 201, 'POST /v1/drops')
  return { id: d.id, startsAt: d.startsAt }
}

/** The scheduler moves scheduled → live within 1 s of startsAt; wait for it rather than touching the database. */
export function waitLive(dropId: string, startsAt: string, graceSec = 10): void {
  const deadline = Date.parse(startsAt) + graceSec * 1000
  for (;;) {
    const d = must<S['Drop']>(http.get(`${BASE_URL}/v1/drops/${dropId}`, { tags: { name: 'setup' } }), 200, 'GET /v1/drops/{id}')
    if (d.status === 'live') return
    if (d.status !== 'scheduled' || Date.now() > deadline) fail(`drop ${dropId} is ${d.status} ${graceSec}s after startsAt: is the scheduler running?`)
    sleep(0.2)
  }
}

export type Audit = S['DropAudit']

export function audit(dropId: string, creatorToken: string): Audit {
  return must<Audit>(http.get(`${BASE_URL}/v1/drops/${dropId}/audit`, { headers: auth(creatorToken), tags: { name: 'teardown' } }), 200, 'GET /v1/drops/{id}/audit')
}
