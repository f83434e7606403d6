import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, describeWithRedis, registerCreator, registerUser, testRedisPrefix, type TestContext } from '../../test/helpers'
import { readSse } from '../../test/sse'
import { createWaitingRoom } from './room'
import { getDrop } from '../drops/service'
import { createAdmissionTokens } from './token'
import { createPow } from './pow'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'
import { seededRandom, shuffle } from './shuffle'

const SECRET = 'queue-test-admission-secret-0123456789abcdef'
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()
const idem = () => ({ 'idempotency-key': crypto.randomUUID() })

async function queuedDrop(ctx: TestContext, opts: { startsInMs?: number; stock?: number; rate?: number; preQueueSeconds?: number; ttl?: number } = {}) {
  const { api } = ctx
  const owner = await registerCreator(api)
  const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Hot', priceCents: 1000, currency: 'EUR' } })
  const res = await api('POST', '/v1/drops', {
    token: owner.accessToken,
    body: {
      productId: product.body.id, startsAt: inMs(opts.startsInMs ?? 60_000), initialStock: opts.stock ?? 100,
      access: { mode: 'queue', admitPerSecond: opts.rate ?? 1000, preQueueSeconds: opts.preQueueSeconds ?? 600, admissionTtlSeconds: opts.ttl ?? 60 },
    },
  })
  expect(res.status).toBe(201)
  return { owner, drop: res.body }
}

/** Moves a scheduled drop live now (the scheduler, with its start pulled into the past). */
async function goLive(ctx: TestContext, dropId: string) {
  await ctx.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
  await ctx.deps.scheduler.tick()
}

const join = (ctx: TestContext, dropId: string, token: string) => ctx.api('POST', `/v1/drops/${dropId}/queue`, { token })
const order = (ctx: TestContext, dropId: string, token: string, admission?: string, headers = idem(), quantity = 1) =>
  ctx.api('POST', '/v1/orders', { token, body: { dropId, quantity }, headers: { ...headers, ...(admission ? { 'admission-token': admission } : {}) } })

describe('the shuffle', () => {
  test('uniform: each of 4 items lands in each position about equally often', () => {
    const counts = [0, 1, 2, 3].map(() => [0, 0, 0, 0])
    const random = seededRandom(1)
    const n = 8000
    for (let i = 0; i < n; i++) shuffle([0, 1, 2, 3], random).forEach((item, pos) => counts[item][pos]++)
    for (const row of counts) for (const c of row) expect(Math.abs(c - n / 4)).toBeLessThan(n / 4 * 0.1)
  })
})

describeWithRedis('waiting room (Redis)', () => {
  const ctx = createTestContext({ queue: { tokenSecret: SECRET, tickMs: 50 } })
  const { api, deps } = ctx
  afterAll(() => ctx.close())

  test('drops carry access settings: open by default, queue with defaults filled in, editable only while scheduled', async () => {
    const owner = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'x', priceCents: 1, currency: 'EUR' } })
    const open = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: inMs(60_000), initialStock: 5 } })
    expect(open.body.access).toEqual({ mode: 'open', admitPerSecond: null, preQueueSeconds: null, admissionTtlSeconds: null, challenge: 'none', challengeDifficulty: null })
    const patched = await api('PATCH', `/v1/drops/${open.body.id}`, { token: owner.accessToken, body: { access: { mode: 'queue', admitPerSecond: 7 } } })
    expect(patched.status).toBe(200)
    expect(patched.body.access).toEqual({ mode: 'queue', admitPerSecond: 7, preQueueSeconds: 900, admissionTtlSeconds: 120, challenge: 'none', challengeDifficulty: null })
    const bad = await api('PATCH', `/v1/drops/${open.body.id}`, { token: owner.accessToken, body: { access: { mode: 'queue', admitPerSecond: 0 } } })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.map((e: any) => e.field)).toContain('/access/admitPerSecond')
    await goLive(ctx, open.body.id)
    const late = await api('PATCH', `/v1/drops/${open.body.id}`, { token: owner.accessToken, body: { access: { mode: 'open' } } })
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('DROP_NOT_SCHEDULED')
  })

  test('misuse is a precise 4xx: open drop, before the pre-queue, unknown drop, not in line, stats of somebody else', async () => {
    const owner = await registerCreator(api)
    const buyer = await registerUser(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'x', priceCents: 1, currency: 'EUR' } })
    const open = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: inMs(60_000), initialStock: 5 } })
    expect((await join(ctx, open.body.id, buyer.accessToken)).body.code).toBe('QUEUE_NOT_ENABLED')
    const { drop } = await queuedDrop(ctx, { startsInMs: 3600_000, preQueueSeconds: 60 })
    const early = await join(ctx, drop.id, buyer.accessToken)
    expect([early.status, early.body.code]).toEqual([409, 'QUEUE_NOT_OPEN'])
    expect((await join(ctx, crypto.randomUUID(), buyer.accessToken)).status).toBe(404)
    expect((await api('GET', `/v1/drops/${drop.id}/queue`, { token: buyer.accessToken })).status).toBe(404)
    expect((await api('GET', `/v1/drops/${drop.id}/queue/stats`, { token: buyer.accessToken })).status).toBe(404)
  })

  test('pre-queue: joiners get a random order at startsAt (a permutation, not arrival order); later joiners FIFO behind them', async () => {
    const { drop } = await queuedDrop(ctx, { rate: 1 })
    const buyers = await Promise.all(Array.from({ length: 25 }, () => registerUser(api)))
    for (const b of buyers) {
      const r = await join(ctx, drop.id, b.accessToken)
      expect(r.body).toMatchObject({ status: 'pre_queue', position: null })
      // idempotent: joining again changes nothing
      expect((await join(ctx, drop.id, b.accessToken)).body.status).toBe('pre_queue')
    }
    // A waiting room of its own with a seeded shuffle over the same line (the app's uses crypto randomness).
    const seeded = createWaitingRoom({
      store: deps.queue.store, readDrop: (id) => getDrop(deps, id), tokens: createAdmissionTokens(SECRET), pow: createPow(SECRET),
      pubsub: deps.pubsub, channel: `${testRedisPrefix()}queue:test`, log: deps.log, tickMs: 50, random: seededRandom(42),
    })
    await goLive(ctx, drop.id)
    await seeded.tick()
    await seeded.stop()
    const positions = await Promise.all(buyers.map(async (b) => (await api('GET', `/v1/drops/${drop.id}/queue`, { token: b.accessToken })).body))
    // rate 1/s with an initial credit of 1: the tick admitted exactly one buyer, everyone else waits
    expect(positions.filter((p) => p.status === 'admitted').length).toBe(1)
    const order = new Array<number>(buyers.length)
    positions.forEach((p, i) => (order[p.status === 'admitted' ? 0 : p.position] = i))
    expect([...order].sort((a, b) => a - b)).toEqual(buyers.map((_, i) => i)) // a permutation of the joiners
    expect(order).not.toEqual(buyers.map((_, i) => i)) // not the arrival order
    for (const p of positions.filter((x) => x.status === 'waiting')) expect(p.ahead).toBe(p.position - 1)
    // After the start: the back of the line, in arrival order.
    const late = await Promise.all(Array.from({ length: 5 }, () => registerUser(api)))
    const latePositions: number[] = []
    for (const b of late) latePositions.push((await join(ctx, drop.id, b.accessToken)).body.position)
    expect(latePositions).toEqual([25, 26, 27, 28, 29])
  })

  test('admission tokens: required, bound to buyer and drop, expiring, single use; a valid one places the order', async () => {
    const { drop } = await queuedDrop(ctx, { stock: 10 })
    await goLive(ctx, drop.id)
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)])
    for (const u of [a, b]) await join(ctx, drop.id, u.accessToken)
    await deps.queue.tick()
    const placeA = (await api('GET', `/v1/drops/${drop.id}/queue`, { token: a.accessToken })).body
    expect(placeA.status).toBe('admitted')
    const tokenA = placeA.admission.token
    const code = async (p: Promise<any>) => { const r = await p; return [r.status, r.body.code] }
    expect(await code(order(ctx, drop.id, c.accessToken))).toEqual([403, 'ADMISSION_REQUIRED'])
    expect(await code(order(ctx, drop.id, c.accessToken, tokenA))).toEqual([403, 'ADMISSION_INVALID']) // somebody else's
    expect(await code(order(ctx, drop.id, a.accessToken, tokenA.slice(0, -2) + 'xx'))).toEqual([403, 'ADMISSION_INVALID']) // forged
    const otherDrop = createAdmissionTokens(SECRET).sign({ dropId: crypto.randomUUID(), userId: a.user.id, expiresAtMs: Date.now() + 60_000 })
    expect(await code(order(ctx, drop.id, a.accessToken, otherDrop))).toEqual([403, 'ADMISSION_INVALID'])
    const expired = createAdmissionTokens(SECRET).sign({ dropId: drop.id, userId: b.user.id, expiresAtMs: Date.now() - 1000 })
    expect(await code(order(ctx, drop.id, b.accessToken, expired))).toEqual([403, 'ADMISSION_EXPIRED'])
    const key = idem()
    const placed = await order(ctx, drop.id, a.accessToken, tokenA, key)
    expect(placed.status).toBe(201)
    const replay = await order(ctx, drop.id, a.accessToken, tokenA, key) // a retry of the same order
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true'])
    expect(await code(order(ctx, drop.id, a.accessToken, tokenA))).toEqual([403, 'ADMISSION_USED'])
    const [{ count }] = await deps.sql`select count(*)::int from orders where drop_id = ${drop.id}`
    expect(count).toBe(1)
    expect((await api('GET', `/v1/drops/${drop.id}/queue`, { token: a.accessToken })).body.status).toBe('bought')
    // Open drops are untouched: no token needed.
    const owner = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'x', priceCents: 1, currency: 'EUR' } })
    const open = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: inMs(60_000), initialStock: 5 } })
    await goLive(ctx, open.body.id)
    expect((await order(ctx, open.body.id, c.accessToken)).status).toBe(201)
  })

  test('a token whose order is refused SOLD_OUT is spent; admissions never outnumber the stock; a late admission frees its slot', async () => {
    const { owner, drop } = await queuedDrop(ctx, { stock: 2 })
    await goLive(ctx, drop.id)
    const users = await Promise.all(Array.from({ length: 4 }, () => registerUser(api)))
    for (const u of users) await join(ctx, drop.id, u.accessToken)
    await deps.queue.tick()
    await deps.queue.tick()
    const places = await Promise.all(users.map(async (u) => (await api('GET', `/v1/drops/${drop.id}/queue`, { token: u.accessToken })).body))
    expect(places.map((p) => p.status)).toEqual(['admitted', 'admitted', 'waiting', 'waiting']) // capacity = 2 units left
    // The first admission runs late: the admitter expires it and admits the next buyer.
    await deps.backplane.client!.zadd(`${testRedisPrefix()}queue:{${drop.id}}:adm`, Date.now() - 1, users[0].user.id)
    await deps.queue.tick()
    const after = await Promise.all(users.map(async (u) => (await api('GET', `/v1/drops/${drop.id}/queue`, { token: u.accessToken })).body))
    expect(after.map((p) => p.status)).toEqual(['expired', 'admitted', 'admitted', 'waiting'])
    // Buyer 1 takes both units; buyer 2's valid token then meets SOLD_OUT, and is spent all the same.
    expect((await order(ctx, drop.id, users[1].accessToken, after[1].admission.token, idem(), 2)).status).toBe(201)
    const refused = await order(ctx, drop.id, users[2].accessToken, after[2].admission.token)
    expect([refused.status, refused.body.code]).toEqual([409, 'SOLD_OUT'])
    const again = await order(ctx, drop.id, users[2].accessToken, after[2].admission.token)
    expect([again.status, again.body.code]).toEqual([403, 'ADMISSION_USED'])
    const stats = await api('GET', `/v1/drops/${drop.id}/queue/stats`, { token: owner.accessToken })
    expect(stats.status).toBe(200)
    expect(stats.body).toMatchObject({ dropId: drop.id, admitted: 3, bought: 1, expired: 1, admitPerSecond: 1000 })
    expect(stats.body.admissionRate).toBeCloseTo(0.3, 5)
  })

  test('an order settling while the admitter reads the stock never makes room twice (admissions ≤ stock)', async () => {
    // Found by the queue load test: 514 admitted for 500 units (14 valid tokens met SOLD_OUT). The admitter read
    // the stock, an order then committed and left the admitted set, and the admission counted the unit as free.
    const { drop } = await queuedDrop(ctx, { stock: 2, rate: 1000 })
    await goLive(ctx, drop.id)
    const users = await Promise.all(Array.from({ length: 3 }, () => registerUser(api)))
    for (const u of users) expect((await join(ctx, drop.id, u.accessToken)).status).toBe(200)
    let during: (() => Promise<void>) | null = null
    const racing = createWaitingRoom({
      store: deps.queue.store, tokens: createAdmissionTokens(SECRET), pow: createPow(SECRET),
      pubsub: deps.pubsub, channel: `${testRedisPrefix()}queue:test`, log: deps.log, tickMs: 50,
      // The tick's stock read, with an order landing right after it.
      readDrop: async (id: string) => {
        const d = await getDrop(deps, id)
        const work = during
        during = null
        if (work) await work()
        return d
      },
    })
    try {
      await racing.tick() // initial credit 1: the first buyer
      const first = (await api('GET', `/v1/drops/${drop.id}/queue`, { token: users[0].accessToken })).body
      expect(first.status).toBe('admitted')
      await Bun.sleep(50) // credit for more than one
      during = async () => {
        expect((await order(ctx, drop.id, users[0].accessToken, first.admission.token)).status).toBe(201)
      }
      await racing.tick()
    } finally {
      await racing.stop()
    }
    const places = await Promise.all(users.map(async (u) => (await api('GET', `/v1/drops/${drop.id}/queue`, { token: u.accessToken })).body.status))
    // One unit left: one more admission, not two.
    expect(places).toEqual(['bought', 'admitted', 'waiting'])
  })

  test('sell-out: everyone still waiting is told within 2 s, on their stream, and joining is refused', async () => {
    const { drop } = await queuedDrop(ctx, { stock: 1, rate: 1 })
    await goLive(ctx, drop.id)
    const users = await Promise.all(Array.from({ length: 12 }, () => registerUser(api)))
    for (const u of users) await join(ctx, drop.id, u.accessToken)
    await deps.queue.tick() // admits the first
    const streams = await Promise.all(users.slice(1).map(async (u) => {
      const res = await ctx.app.handle(new Request(`http://localhost/v1/drops/${drop.id}/queue/events`, { headers: { authorization: `Bearer ${u.accessToken}` } }))
      expect(res.status).toBe(200)
      return readSse(res, `/v1/drops/${drop.id}/queue/events`)
    }))
    for (const [i, s] of streams.entries()) {
      const first = await s.next(2000)
      expect(first.event).toBe('queue.position')
      expect(first.data.data).toMatchObject({ status: 'waiting', position: i + 1 })
    }
    const admitted = (await api('GET', `/v1/drops/${drop.id}/queue`, { token: users[0].accessToken })).body
    expect((await order(ctx, drop.id, users[0].accessToken, admitted.admission.token)).status).toBe(201)
    const soldAt = Date.now()
    deps.queue.start()
    try {
      const closed = await Promise.all(streams.map((s) => s.collect((e) => e.event === 'queue.closed', 2000)))
      expect(Date.now() - soldAt).toBeLessThan(2000)
      for (const events of closed) expect(events.at(-1)!.data.data).toEqual({ reason: 'sold_out' })
    } finally {
      await deps.queue.stop()
      await Promise.all(streams.map((s) => s.close()))
    }
    const late = await registerUser(api)
    const refused = await join(ctx, drop.id, late.accessToken)
    expect([refused.status, refused.body.code]).toEqual([409, 'SOLD_OUT'])
    expect((await api('GET', `/v1/drops/${drop.id}/queue`, { token: users[5].accessToken })).body).toMatchObject({ status: 'closed', closedReason: 'sold_out' })
  })

  test('the queue stream takes a single-use ?ticket= (EventSource sends no headers); no credentials or a used ticket is a 401', async () => {
    const { drop } = await queuedDrop(ctx)
    const buyer = await registerUser(api)
    expect((await join(ctx, drop.id, buyer.accessToken)).status).toBe(200)
    const ticket = (await api('POST', '/v1/realtime/tickets', { token: buyer.accessToken })).body.ticket
    const url = `http://localhost/v1/drops/${drop.id}/queue/events`
    const res = await ctx.app.handle(new Request(`${url}?ticket=${encodeURIComponent(ticket)}`))
    expect(res.status).toBe(200)
    const s = await readSse(res, `/v1/drops/${drop.id}/queue/events`)
    try {
      const first = await s.next(2000)
      expect([first.event, first.data.data.status]).toEqual(['queue.position', 'pre_queue'])
    } finally {
      await s.close()
    }
    const reused = await ctx.app.handle(new Request(`${url}?ticket=${encodeURIComponent(ticket)}`))
    expect([reused.status, (await reused.json()).code]).toEqual([401, 'UNAUTHORIZED'])
    expect((await ctx.app.handle(new Request(url))).status).toBe(401)
    // A ticket of somebody not in line opens nothing (404, as with a Bearer token).
    const other = await registerUser(api)
    const otherTicket = (await api('POST', '/v1/realtime/tickets', { token: other.accessToken })).body.ticket
    expect((await ctx.app.handle(new Request(`${url}?ticket=${otherTicket}`))).status).toBe(404)
  })

  test('proof of work: a solved challenge per join, single use, bound to its drop; precise refusals', async () => {
    const { drop } = await queuedDrop(ctx)
    const owner = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'x', priceCents: 1, currency: 'EUR' } })
    const powDrop = (await api('POST', '/v1/drops', {
      token: owner.accessToken,
      body: { productId: product.body.id, startsAt: inMs(60_000), initialStock: 5, access: { mode: 'queue', challenge: 'pow', challengeDifficulty: 300 } },
    })).body
    expect(powDrop.access).toMatchObject({ challenge: 'pow', challengeDifficulty: 300 })
    const notAsked = await api('GET', `/v1/challenges?dropId=${drop.id}`)
    expect([notAsked.status, notAsked.body.code]).toEqual([409, 'CHALLENGE_NOT_ENABLED'])
    const solved = async (dropId: string) => {
      const challenge = (await api('GET', `/v1/challenges?dropId=${dropId}`)).body
      const solution = await solveChallenge({ challenge, deriveKey })
      expect(solution).not.toBeNull()
      return { challenge, solution: solution! }
    }
    const header = (p: unknown) => ({ altcha: Buffer.from(JSON.stringify(p)).toString('base64') })
    const [u1, u2] = await Promise.all([registerUser(api), registerUser(api)])
    const call = (token: string, headers?: Record<string, string>) => api('POST', `/v1/drops/${powDrop.id}/queue`, { token, headers })
    const code = async (p: Promise<any>) => { const r = await p; return [r.status, r.body.code] }
    expect(await code(call(u1.accessToken))).toEqual([403, 'CHALLENGE_REQUIRED'])
    const good = await solved(powDrop.id)
    const wrong = { ...good, solution: { ...good.solution, counter: good.solution.counter + 1 } }
    expect(await code(call(u1.accessToken, header(wrong)))).toEqual([403, 'CHALLENGE_FAILED'])
    expect(await code(call(u1.accessToken, { altcha: 'not base64 json' }))).toEqual([403, 'CHALLENGE_FAILED'])
    const ok = await call(u1.accessToken, header(good))
    expect([ok.status, ok.body.status]).toEqual([200, 'pre_queue'])
    expect(await code(call(u2.accessToken, header(good)))).toEqual([403, 'CHALLENGE_FAILED']) // used
    // A challenge of another drop (a pow drop of its own) does not open this one.
    const other = (await api('POST', '/v1/drops', {
      token: owner.accessToken,
      body: { productId: product.body.id, startsAt: inMs(60_000), initialStock: 5, access: { mode: 'queue', challenge: 'pow', challengeDifficulty: 300 } },
    })).body
    expect(await code(call(u2.accessToken, header(await solved(other.id))))).toEqual([403, 'CHALLENGE_FAILED'])
    expect((await call(u2.accessToken, header(await solved(powDrop.id)))).status).toBe(200)
  })

  test('an ended drop closes its line (reason ended) and refuses joiners with DROP_NOT_LIVE', async () => {
    const { drop } = await queuedDrop(ctx, { rate: 1 })
    await goLive(ctx, drop.id)
    const users = await Promise.all(Array.from({ length: 3 }, () => registerUser(api)))
    for (const u of users) await join(ctx, drop.id, u.accessToken)
    await deps.queue.tick()
    await deps.sql`update drops set ends_at = now() - interval '1 millisecond' where id = ${drop.id}`
    await deps.scheduler.tick()
    await deps.queue.tick()
    const places = await Promise.all(users.map(async (u) => (await api('GET', `/v1/drops/${drop.id}/queue`, { token: u.accessToken })).body))
    // the admitted buyer had not ordered yet: told too, since no order can be placed any more
    expect(places.map((p) => [p.status, p.closedReason])).toEqual([['closed', 'ended'], ['closed', 'ended'], ['closed', 'ended']])
    const late = await join(ctx, drop.id, (await registerUser(api)).accessToken)
    expect([late.status, late.body.code, late.body.dropStatus]).toEqual([409, 'DROP_NOT_LIVE', 'ended'])
  })
})

describe('waiting room (in-process stand-in, zero set-up mode)', () => {
  const ctx = createTestContext({ redisUrl: undefined, queue: { tokenSecret: SECRET, tickMs: 50 } })
  afterAll(() => ctx.close())

  test('the same line without Redis: pre-queue, admission, one order per token', async () => {
    expect(ctx.deps.queue.store.kind).toBe('memory')
    const { drop } = await queuedDrop(ctx, { stock: 5 })
    const users = await Promise.all(Array.from({ length: 3 }, () => registerUser(ctx.api)))
    for (const u of users) expect((await join(ctx, drop.id, u.accessToken)).body.status).toBe('pre_queue')
    await goLive(ctx, drop.id)
    await ctx.deps.queue.tick() // the bucket starts with one admission's credit,
    await Bun.sleep(20)
    await ctx.deps.queue.tick() // and earns 1,000 a second
    const places = await Promise.all(users.map(async (u) => (await ctx.api('GET', `/v1/drops/${drop.id}/queue`, { token: u.accessToken })).body))
    expect(places.every((p) => p.status === 'admitted')).toBe(true)
    expect((await order(ctx, drop.id, users[0].accessToken)).body.code).toBe('ADMISSION_REQUIRED')
    expect((await order(ctx, drop.id, users[0].accessToken, places[0].admission.token)).status).toBe(201)
    expect((await order(ctx, drop.id, users[0].accessToken, places[0].admission.token)).body.code).toBe('ADMISSION_USED')
  })
})

