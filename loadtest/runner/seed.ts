/**
 * Seeds a run's data through the public API only (so it works against any target, local or remote): buyers,
 * a creator with products, and drops that go live a few seconds after they are created. The scheduler moves
 * scheduled → live within a second of startsAt, so a run waits for that rather than poking the database.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { components } from '@livedrop/sdk'
import { as, ok, type Api } from './api'

type AuthSession = components['schemas']['AuthSession']
type CreateDropRequest = components['schemas']['CreateDropRequest']
import type { SeedData } from '../workloads'

export interface User {
  id: string
  token: string
}

export interface Seeded extends SeedData {
  creatorToken: string
}

const PASSWORD = 'loadtest-password-1'

/** A short id for this run, so usernames, handles and idempotency keys never collide with another run's. */
export function newRunId(): string {
  return Date.now().toString(36).slice(-6) + Math.random().toString(36).slice(2, 6)
}

/**
 * Against a --target the runner cannot raise the server's per-address registration limit, so a 429 waits for
 * Retry-After and tries again: seeding is slower there, never wrong.
 */
async function register(api: Api, username: string): Promise<AuthSession> {
  const body = { username, email: `${username}@loadtest.livedrop.test`, password: PASSWORD }
  let lost = false
  for (;;) {
    const res = await api.sdk.client.POST('/v1/auth/register', { body })
    if (res.data) return res.data
    const status = res.response.status
    // A registration that timed out (503 on a saturated server) may have been made after all: its retry then
    // finds the name taken, and logging in gets the same account.
    if (status === 409 && lost) return ok(await api.sdk.client.POST('/v1/auth/login', { body: { email: body.email, password: PASSWORD } }), 'POST /v1/auth/login')
    if (status !== 429 && status !== 503) ok(res, 'POST /v1/auth/register')
    lost ||= status === 503
    await new Promise((r) => setTimeout(r, Number(res.response.headers.get('retry-after') ?? 1) * 1000))
  }
}

/**
 * Buyers seeded against a target are kept (git-ignored, mode 0600) so that the next run against the same target
 * reuses them: registering costs a password hash each (~28 s for 1,000 on a small machine), resuming costs a
 * token check or a refresh.
 */
const BUYERS_DIR = fileURLToPath(new URL('../../results/.buyers/', import.meta.url))

interface SavedBuyer {
  id: string
  accessToken: string
  refreshToken: string
}

export const buyersFile = (baseUrl: string) => join(BUYERS_DIR, `${baseUrl.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_')}.json`)

function loadBuyers(baseUrl: string): SavedBuyer[] {
  try {
    const saved = JSON.parse(readFileSync(buyersFile(baseUrl), 'utf8')) as { target: string; buyers: SavedBuyer[] }
    return saved.target === baseUrl && Array.isArray(saved.buyers) ? saved.buyers : []
  } catch {
    return []
  }
}

function saveBuyers(baseUrl: string, buyers: SavedBuyer[]) {
  mkdirSync(BUYERS_DIR, { recursive: true, mode: 0o700 })
  writeFileSync(buyersFile(baseUrl), JSON.stringify({ target: baseUrl, savedAt: new Date().toISOString(), buyers }), { mode: 0o600 })
}

/** Seconds left on an access token, read from its `exp` without verifying it (only to choose check or refresh). */
function secondsLeft(token: string): number {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).exp - Date.now() / 1000
  } catch {
    return 0
  }
}

/**
 * A saved buyer still good on this target: a token with time left that the server accepts for the same user, or
 * a refreshed pair. null when the target no longer knows it (a fresh database, another JWT secret).
 */
async function resume(api: Api, b: SavedBuyer): Promise<SavedBuyer | null> {
  // Ten minutes to spare: a big seeding (thousands of new registrations after the saved buyers) takes minutes.
  if (secondsLeft(b.accessToken) > 600) {
    const me = await api.sdk.GET('/v1/me', as(b.accessToken))
    if (me.data?.id === b.id) return b
  }
  for (;;) {
    const res = await api.sdk.client.POST('/v1/auth/refresh', { body: { refreshToken: b.refreshToken } })
    if (res.data && res.data.user.id === b.id) return { id: b.id, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken }
    if (res.response.status !== 429) return null
    await new Promise((r) => setTimeout(r, Number(res.response.headers.get('retry-after') ?? 1) * 1000))
  }
}

/**
 * `count` buyers: those saved from an earlier run against this target when it still knows them, newly
 * registered ones for the rest (under this run's id). Password hashing makes a register cost tens of
 * milliseconds of server CPU, so they go in parallel batches (enough to keep every core busy, not so many that
 * they time out).
 */
export async function registerUsers(api: Api, runId: string, count: number, parallel = 16, onProgress?: (done: number) => void): Promise<User[]> {
  const saved = loadBuyers(api.baseUrl)
  const buyers: SavedBuyer[] = new Array(count)
  let next = 0
  let done = 0
  let reused = 0
  async function worker() {
    while (next < count) {
      const i = next++
      const old = saved[i] ? await resume(api, saved[i]!) : null
      if (old) {
        buyers[i] = old
        reused++
      } else {
        const s = await register(api, `lt${runId}_${i}`)
        buyers[i] = { id: s.user.id, accessToken: s.accessToken, refreshToken: s.refreshToken }
      }
      if (++done % 100 === 0) onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker))
  // Buyers saved beyond this run's count stay saved for a bigger run later.
  saveBuyers(api.baseUrl, [...buyers, ...saved.slice(count)])
  if (reused) console.error(`  reused ${reused} of ${count} buyers saved by an earlier run against ${api.baseUrl}`)
  return buyers.map((b) => ({ id: b.id, token: b.accessToken }))
}

export async function createCreator(api: Api, runId: string): Promise<{ token: string; creatorId: string }> {
  const s = await register(api, `lt${runId}_creator`)
  const creator = ok(await api.sdk.POST('/v1/creators', { ...as(s.accessToken), body: { handle: `lt-${runId}`, displayName: `Load test ${runId}` } }), 'POST /v1/creators')
  return { token: s.accessToken, creatorId: creator.id }
}

export async function createProduct(api: Api, token: string, n: number): Promise<string> {
  const p = ok(await api.sdk.POST('/v1/products', {
    ...as(token),
    body: { title: `Load test sneaker ${n}`, description: 'Seeded by the LiveDrop load test.', priceCents: 9900 + n, currency: 'EUR' },
  }), 'POST /v1/products')
  return p.id
}

export interface DropSpec {
  productId: string
  initialStock: number
  perUserLimit?: number
  /** seconds from now; long enough for the request to arrive before startsAt */
  startsInSec?: number
}

export async function createDrop(api: Api, token: string, spec: DropSpec): Promise<{ id: string; startsAt: string }> {
  const startsAt = new Date(Date.now() + (spec.startsInSec ?? 2) * 1000).toISOString()
  const body: CreateDropRequest = { productId: spec.productId, startsAt, initialStock: spec.initialStock }
  if (spec.perUserLimit !== undefined) body.perUserLimit = spec.perUserLimit
  const drop = ok(await api.sdk.POST('/v1/drops', { ...as(token), body }), 'POST /v1/drops')
  return { id: drop.id, startsAt: drop.startsAt }
}

/** Waits until the scheduler has made the drop live; gives up `graceSec` after startsAt. */
export async function waitLive(api: Api, dropId: string, startsAt: string, graceSec = 10): Promise<void> {
  const deadline = Date.parse(startsAt) + graceSec * 1000
  for (;;) {
    const drop = ok(await api.sdk.GET('/v1/drops/{dropId}', { params: { path: { dropId } } }), 'GET /v1/drops/{dropId}')
    if (drop.status === 'live') return
    if (drop.status !== 'scheduled') throw new Error(`drop ${dropId} is ${drop.status}, expected it to go live`)
    if (Date.now() > deadline) throw new Error(`drop ${dropId} still scheduled ${graceSec}s after startsAt: is the scheduler running on the target?`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

/** The storefront data browse reads: a creator, a few products, a few live drops. */
export async function seedCatalog(api: Api, runId: string, opts: { products?: number; drops?: number } = {}): Promise<Seeded> {
  const { token, creatorId } = await createCreator(api, runId)
  const productIds: string[] = []
  for (let i = 0; i < (opts.products ?? 5); i++) productIds.push(await createProduct(api, token, i))
  const drops = await Promise.all(Array.from({ length: opts.drops ?? 3 }, (_, i) => createDrop(api, token, { productId: productIds[i % productIds.length]!, initialStock: 1000, startsInSec: 2 })))
  for (const d of drops) await waitLive(api, d.id, d.startsAt)
  return { creatorId, creatorToken: token, productIds, dropIds: drops.map((d) => d.id) }
}
