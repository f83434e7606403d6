/**
 * Seeds a run's data through the public API only (so it works against any target, local or remote): buyers,
 * a creator with products, and drops that go live a few seconds after they are created. The scheduler moves
 * scheduled → live within a second of startsAt, so a run waits for that rather than poking the database.
 */
import type { Api } from './api'
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
async function register(api: Api, username: string): Promise<{ user: { id: string }; accessToken: string }> {
  const body = { username, email: `${username}@loadtest.livedrop.test`, password: PASSWORD }
  for (;;) {
    const res = await api.call('POST', '/v1/auth/register', { body })
    if (res.status === 201) return res.body
    if (res.status !== 429) throw new Error(`POST /v1/auth/register → ${res.status}: ${res.body?.code ?? ''} ${res.body?.detail ?? ''}`)
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000))
  }
}

/**
 * Registers `count` buyers. Password hashing makes a register cost tens of milliseconds of server CPU, so they
 * go in parallel batches (enough to keep every core busy, not so many that they time out).
 */
export async function registerUsers(api: Api, runId: string, count: number, parallel = 16, onProgress?: (done: number) => void): Promise<User[]> {
  const users: User[] = new Array(count)
  let next = 0
  let done = 0
  async function worker() {
    while (next < count) {
      const i = next++
      const s = await register(api, `lt${runId}_${i}`)
      users[i] = { id: s.user.id, token: s.accessToken }
      if (++done % 100 === 0) onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker))
  return users
}

export async function createCreator(api: Api, runId: string): Promise<{ token: string; creatorId: string }> {
  const s = await register(api, `lt${runId}_creator`)
  const creator = await api.must<{ id: string }>(201, 'POST', '/v1/creators', { token: s.accessToken, body: { handle: `lt-${runId}`, displayName: `Load test ${runId}` } })
  return { token: s.accessToken, creatorId: creator.id }
}

export async function createProduct(api: Api, token: string, n: number): Promise<string> {
  const p = await api.must<{ id: string }>(201, 'POST', '/v1/products', {
    token,
    body: { title: `Load test sneaker ${n}`, description: 'Seeded by the LiveDrop load test.', priceCents: 9900 + n, currency: 'EUR' },
  })
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
  const body: Record<string, unknown> = { productId: spec.productId, startsAt, initialStock: spec.initialStock }
  if (spec.perUserLimit !== undefined) body.perUserLimit = spec.perUserLimit
  const drop = await api.must<{ id: string; startsAt: string }>(201, 'POST', '/v1/drops', { token, body })
  return { id: drop.id, startsAt: drop.startsAt }
}

/** Waits until the scheduler has made the drop live; gives up `graceSec` after startsAt. */
export async function waitLive(api: Api, dropId: string, startsAt: string, graceSec = 10): Promise<void> {
  const deadline = Date.parse(startsAt) + graceSec * 1000
  for (;;) {
    const drop = await api.must<{ status: string }>(200, 'GET', `/v1/drops/${dropId}`)
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
