import { afterAll, describe, expect, test } from 'bun:test'
import { describeWithRedis, testConfig } from '../../server/test/helpers'
import { createSdkContext } from '../test/helpers'
import { QueueClosedError, type QueuePlace } from './index'
import { createAdmissions } from './queue'

// ld.queue.join against the real server (in-process; the line in Redis): positions, admission, the token
// riding along with the next order, proof of work, and a sold-out line closing the iterator.
const t = createSdkContext({
  queue: { tokenSecret: 'sdk-queue-test-secret-0123456789abcdef0123', tickMs: 50 },
  rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } },
})
afterAll(() => t.close())

async function queuedDrop(opts: { stock?: number; rate?: number; challenge?: boolean } = {}) {
  const c = await t.creator()
  const product = await c.ld.POST('/v1/products', { body: { title: 'Hot', priceCents: 1500, currency: 'EUR' } })
  const made = await c.ld.POST('/v1/drops', {
    body: {
      productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: opts.stock ?? 10,
      access: {
        mode: 'queue', admitPerSecond: opts.rate ?? 1, preQueueSeconds: 600, admissionTtlSeconds: 120,
        ...(opts.challenge ? { challenge: 'pow' as const, challengeDifficulty: 2000 } : {}),
      },
    },
  })
  expect(made.response.status).toBe(201)
  return { ...c, drop: made.data! }
}
const goLive = async (dropId: string) => {
  await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
  await t.deps.scheduler.tick()
}

/** Runs the admitter until `done` (or fails after `ms`). */
async function admitWhile<T>(work: Promise<T>, ms = 20_000): Promise<T> {
  let finished = false
  const loop = (async () => {
    const until = Date.now() + ms
    while (!finished && Date.now() < until) {
      await t.deps.queue.tick()
      await Bun.sleep(100)
    }
  })()
  try {
    return await work
  } finally {
    finished = true
    await loop
  }
}

async function drain(it: AsyncGenerator<QueuePlace>): Promise<{ places: QueuePlace[]; error?: unknown }> {
  const places: QueuePlace[] = []
  try {
    for await (const p of it) places.push(p)
  } catch (error) {
    return { places, error }
  }
  return { places }
}

describeWithRedis('ld.queue.join against the real server', () => {
  test('yields positions that only move forward, ends with the admission; the token rides on the next order once', async () => {
    const { drop } = await queuedDrop({ rate: 1 })
    await goLive(drop.id)
    const buyers = await Promise.all(Array.from({ length: 3 }, () => t.user()))
    // Join in order after the start: FIFO, positions 1..3, one admitted a second.
    const iterators = []
    const firstPlaces: QueuePlace[] = []
    for (const b of buyers) {
      const it = b.ld.queue.join(drop.id)
      firstPlaces.push((await it.next()).value as QueuePlace)
      iterators.push(it)
    }
    expect(firstPlaces.map((p) => [p.status, p.position])).toEqual([['waiting', 1], ['waiting', 2], ['waiting', 3]])
    expect(firstPlaces[2].estimatedWaitSeconds).toBe(3)
    const runs = await admitWhile(Promise.all(iterators.map(drain)))
    for (const [i, run] of runs.entries()) {
      expect(run.error).toBeUndefined()
      const all = [firstPlaces[i], ...run.places]
      const last = all.at(-1)!
      expect(last.status).toBe('admitted')
      expect(last.admission?.token).toBeString()
      const positions = all.filter((p) => p.status === 'waiting').map((p) => p.position!)
      expect(positions).toEqual([...positions].sort((a, b) => b - a)) // never backwards
    }
    // The last buyer saw the line move (3 → 2 → 1) before the admission.
    expect(runs[2].places.some((p) => p.status === 'waiting')).toBe(true)

    const [b0] = buyers
    expect(b0.ld.queue.admission(drop.id)).toBeString()
    const bought = await b0.ld.createOrder({ dropId: drop.id, quantity: 1 })
    expect(bought.response.status).toBe(201)
    const sent = t.requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/v1/orders').at(-1)!
    expect(sent.headers.get('admission-token')).toBe(runs[0].places.at(-1)!.admission!.token)
    // Spent: forgotten, so a second order goes without one and is refused by the server.
    expect(b0.ld.queue.admission(drop.id)).toBeUndefined()
    const again = await b0.ld.POST('/v1/orders', { body: { dropId: drop.id, quantity: 1 }, params: { header: { 'Idempotency-Key': crypto.randomUUID() } } })
    expect([again.response.status, again.error?.code]).toEqual([403, 'ADMISSION_REQUIRED'])
    // A raw POST carries the token too.
    const raw = await buyers[1].ld.POST('/v1/orders', { body: { dropId: drop.id, quantity: 1 }, params: { header: { 'Idempotency-Key': crypto.randomUUID() } } })
    expect(raw.response.status).toBe(201)
    const [{ n }] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from orders where drop_id = ${drop.id} and status = 'confirmed'`
    expect(n).toBe(2)
  })

  test('a drop with proof of work: the SDK fetches and solves the challenge (altcha-lib) before joining', async () => {
    const { drop } = await queuedDrop({ challenge: true, rate: 100 })
    await goLive(drop.id)
    const b = await t.user()
    const { places, error } = await admitWhile(drain(b.ld.queue.join(drop.id)))
    expect(error).toBeUndefined()
    expect(places.at(-1)!.status).toBe('admitted')
    const paths = t.requests.filter((r) => r.url.includes(drop.id)).map((r) => `${r.method} ${new URL(r.url).pathname}`)
    // The drop says it asks for proof of work: solved before the join, which succeeds at the first attempt.
    expect(paths.slice(0, 3)).toEqual([`GET /v1/drops/${drop.id}`, 'GET /v1/challenges', `POST /v1/drops/${drop.id}/queue`])
    const joined = t.requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/v1/drops/${drop.id}/queue`))
    expect(joined.length).toBe(1)
    expect(joined[0].headers.get('altcha')).toBeString()
  })

  test('sold out while waiting: the iterator ends with QueueClosedError(sold_out); joining a sold-out drop throws the same', async () => {
    const { drop } = await queuedDrop({ stock: 1, rate: 1 })
    await goLive(drop.id)
    const [first, second] = await Promise.all([t.user(), t.user()])
    const a = first.ld.queue.join(drop.id)
    expect((await a.next()).value).toMatchObject({ status: 'waiting', position: 1 })
    const b = second.ld.queue.join(drop.id)
    expect((await b.next()).value).toMatchObject({ status: 'waiting', position: 2 })
    const waiting = drain(b)
    const admitted = await admitWhile(drain(a))
    expect(admitted.places.at(-1)!.status).toBe('admitted')
    expect((await first.ld.createOrder({ dropId: drop.id, quantity: 1 })).response.status).toBe(201)
    const closed = await admitWhile(waiting)
    expect(closed.error).toBeInstanceOf(QueueClosedError)
    expect((closed.error as QueueClosedError).reason).toBe('sold_out')
    expect((closed.error as QueueClosedError).code).toBe('SOLD_OUT')
    const late = await t.user()
    const refused = await drain(late.ld.queue.join(drop.id))
    expect(refused.places).toEqual([])
    expect((refused.error as QueueClosedError).reason).toBe('sold_out')
  })
})

describe('admission tokens held by the SDK', () => {
  const order = (dropId: string) => new Request('http://x/v1/orders', { method: 'POST', body: JSON.stringify({ dropId, quantity: 1 }) })
  const answer = (status: number, code?: string) => new Response(code ? JSON.stringify({ code, status }) : '{}', { status })
  test('attached to orders for its drop only; kept across retryable answers, dropped on a final one or at expiry', async () => {
    const a = createAdmissions()
    a.set('d1', 'tok', new Date(Date.now() + 60_000).toISOString())
    expect((await a.attach(order('d2'))).req.headers.get('admission-token')).toBeNull()
    const { req, dropId } = await a.attach(order('d1'))
    expect([req.headers.get('admission-token'), dropId, JSON.parse(await req.text()).dropId]).toEqual(['tok', 'd1', 'd1'])
    for (const [status, code] of [[503], [429], [409, 'IDEMPOTENCY_KEY_IN_USE']] as const) {
      await a.settle('d1', answer(status, code))
      expect(a.get('d1')).toBe('tok')
    }
    await a.settle('d1', answer(409, 'SOLD_OUT'))
    expect(a.get('d1')).toBeUndefined()
    a.set('d1', 'old', new Date(Date.now() - 1).toISOString())
    expect(a.get('d1')).toBeUndefined()
    expect((await a.attach(order('d1'))).req.headers.get('admission-token')).toBeNull()
  })
})
