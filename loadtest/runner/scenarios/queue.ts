/**
 * queue: a hot drop behind the waiting room. `arrivals` buyers join within `windowSec` (open model: each join is
 * sent at its arrival time, answered or not); the drop starts `preQueueSec` into the window, so the first
 * joiners land in the pre-queue (shuffled at the start) and the rest join the back of the line in order.
 * Admitted buyers order at once with their token. Afterwards it checks: no order without a valid token, the
 * admission order (FIFO after the start; a uniform shuffle inside the pre-queue, tested with Kendall's tau-b and
 * a chi-square on quartiles), every waiting buyer told within 2 s of the sell-out, and reports the server's p95
 * for join, position and order.
 *
 * What is simulated, and why: one 2-core machine cannot hold 20,000 SSE connections next to the server. So
 * `observers` randomly chosen buyers hold a real queue stream each (their `queue.closed` delivery is the
 * "told within 2 s" measurement), and every other buyer learns their place by polling `GET …/queue` — the whole
 * pre-queue once after the start (its order is unknown until then), then the front of the line about once a
 * second (as the stream would tell them). After the sell-out the store's line must be empty at once (owner
 * stats `waiting` = 0) and every buyer's place must read `closed: sold_out`. Admission order is read from the
 * admission tokens' expiry (admission time + TTL): exact per admitter batch; a batch is a tie.
 */
import type { QueuePlace } from '@livedrop/sdk'
import { runLoad } from '../engine'
import { phaseReport, type Check, type PhaseReport } from '../report'
import { createCreator, createProduct, registerUsers, type User } from '../seed'
import { as, ok, type Api } from '../api'
import { CHI2_CRITICAL_001, chiSquareBins, kendallTauB, percentile, Z_CRITICAL_001 } from './queue-stats'
import { openObservers } from './queue-observers'

export interface QueueOptions {
  arrivals: number
  units: number
  windowSec: number
  /** seconds into the window when the drop starts (joins before it are the pre-queue) */
  preQueueSec: number
  admitPerSecond: number
  observers: number
  log: (s: string) => void
}

interface Buyer {
  i: number
  user: User
  /** client time the join answer arrived, and the answer */
  joinedAt: number
  joined: QueuePlace['status'] | 'failed'
  /** last known position (waiting) */
  position: number | null
  /** admission time (token expiry − TTL), when admitted */
  admittedAt: number | null
  token: string | null
  order: 'confirmed' | 'refused' | null
}

const AUTH = (u: User) => ({ authorization: `Bearer ${u.token}` })

export async function queueOnce(api: Api, runId: string, o: QueueOptions): Promise<{ phases: PhaseReport[]; checks: Check[]; extra: Record<string, unknown> }> {
  const { log } = o
  const creator = await createCreator(api, runId)
  const productId = await createProduct(api, creator.token, 0)
  const t = performance.now()
  const users = await registerUsers(api, runId, o.arrivals, 16, (n) => n % 1000 === 0 && log(`  buyers ${n}/${o.arrivals}`))
  log(`${users.length} buyers ready in ${((performance.now() - t) / 1000).toFixed(0)} s`)
  const ttlSec = 120
  // The window opens `lead` seconds from now (time to create the drop); the drop starts preQueueSec into it.
  const lead = 3
  const windowStart = Date.now() + lead * 1000
  const drop = ok(await api.sdk.POST('/v1/drops', {
    ...as(creator.token),
    body: {
      productId, startsAt: new Date(windowStart + o.preQueueSec * 1000).toISOString(), initialStock: o.units,
      access: { mode: 'queue', admitPerSecond: o.admitPerSecond, preQueueSeconds: 600, admissionTtlSeconds: ttlSec },
    },
  }), 'POST /v1/drops')
  const buyers: Buyer[] = users.map((user, i) => ({ i, user, joinedAt: 0, joined: 'failed', position: null, admittedAt: null, token: null, order: null }))
  const soldOut = watchSoldOut(api, drop.id)
  await new Promise((r) => setTimeout(r, Math.max(0, windowStart - Date.now())))

  // 1. Arrivals: every buyer joins once, at its arrival time.
  log(`queue: ${o.arrivals} joins in ${o.windowSec}s, the drop starts ${o.preQueueSec}s in, ${o.units} units at ${o.admitPerSecond}/s…`)
  const observerIds = new Set(pickRandom(buyers.length, o.observers))
  const observers = openObservers(api, drop.id)
  const joins = await runLoad({
    baseUrl: api.baseUrl, rate: o.arrivals / o.windowSec, durationSec: o.windowSec, expected: [200], timeoutSec: 30,
    next: (j) => ({ method: 'POST', path: `/v1/drops/${drop.id}/queue`, headers: AUTH(buyers[j]!.user), name: 'POST /v1/drops/{id}/queue', meta: j }),
    onResponse: (req, status, text) => {
      const b = buyers[req.meta as number]!
      b.joinedAt = Date.now()
      if (status !== 200) return
      const place = JSON.parse(text) as QueuePlace
      b.joined = place.status
      b.position = place.position
      if (observerIds.has(b.i)) observers.open(b.i, b.user.token)
    },
  })
  const joinPhase = phaseReport('join', joins)
  const pre = buyers.filter((b) => b.joined === 'pre_queue')
  const post = buyers.filter((b) => b.joined === 'waiting').sort((a, b) => a.joinedAt - b.joinedAt)
  log(`  joined: ${pre.length} in the pre-queue, ${post.length} after the start, ${buyers.length - pre.length - post.length} failed`)

  // 2. Places and orders: poll the front (and the whole pre-queue once), order at once when admitted.
  const positionMs: number[] = []
  const orderMs: number[] = []
  const orderCodes: Record<string, number> = {}
  const timed = async (into: number[], method: string, path: string, b: Buyer, headers: Record<string, string> = {}, body?: unknown) => {
    const t0 = performance.now()
    const res = await api.call(method, path, { headers: { ...AUTH(b.user), ...headers }, body })
    into.push(performance.now() - t0)
    return res
  }
  const refresh = async (b: Buyer) => {
    const r = await timed(positionMs, 'GET', `/v1/drops/${drop.id}/queue`, b)
    if (r.status !== 200) return
    const p = r.body as { status: string; position: number | null; admission: { token: string; expiresAt: string } | null }
    if (p.status === 'waiting') b.position = p.position
    if (p.status === 'admitted' && p.admission && !b.token) {
      b.token = p.admission.token
      b.admittedAt = Date.parse(p.admission.expiresAt) - ttlSec * 1000
      const res = await timed(orderMs, 'POST', '/v1/orders', b, { 'idempotency-key': `lt-${runId}-q-${b.i}`, 'admission-token': b.token }, { dropId: drop.id, quantity: 1 })
      const code = res.status === 201 ? 'CONFIRMED' : String((res.body as { code?: string })?.code ?? res.status)
      orderCodes[code] = (orderCodes[code] ?? 0) + 1
      b.order = res.status === 201 ? 'confirmed' : 'refused'
    }
    if (p.status === 'closed' || p.status === 'expired' || p.status === 'bought') b.order ??= 'refused'
  }
  const pool = async (list: Buyer[], parallel = 32) => {
    let k = 0
    await Promise.all(Array.from({ length: Math.min(parallel, list.length) }, async () => {
      while (k < list.length) await refresh(list[k++]!)
    }))
  }
  const deadline = Date.now() + 120_000
  let firstPass = true
  while (Date.now() < deadline && !soldOut.at) {
    const roundStart = Date.now()
    const open = (b: Buyer) => b.order === null
    const front = firstPass ? pre.filter(open) : pre.filter(open).sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9)).slice(0, 4 * o.admitPerSecond)
    const back = post.filter(open).slice(0, Math.max(0, 4 * o.admitPerSecond - front.length))
    firstPass = false
    await pool([...front, ...back])
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - roundStart))))
  }
  const soldOutAt = soldOut.at ?? (await soldOut.wait(10_000))

  // 3. Everybody told: the observers' streams, the store's line (owner stats), and every buyer's place.
  const told = await observers.closedWithin(4000, soldOutAt)
  let lineEmptyMs: number | null = null
  for (let k = 0; k < 40 && soldOutAt; k++) {
    const s = await api.call('GET', `/v1/drops/${drop.id}/queue/stats`, { token: creator.token })
    if (s.status === 200 && s.body.waiting === 0) {
      lineEmptyMs = Date.now() - soldOutAt
      break
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  observers.close()
  const stats = ok(await api.sdk.GET('/v1/drops/{dropId}/queue/stats', { ...as(creator.token), params: { path: { dropId: drop.id } } }), 'GET /v1/drops/{dropId}/queue/stats')
  const waitingLeft = buyers.filter((b) => b.order === null && b.joined !== 'failed')
  const leftovers = waitingLeft.slice(0, 2000)
  const places: Record<string, number> = {}
  await Promise.all(Array.from({ length: 32 }, async (_, w) => {
    for (let k = w; k < leftovers.length; k += 32) {
      const r = await api.call('GET', `/v1/drops/${drop.id}/queue`, { token: leftovers[k]!.user.token })
      const key = r.status === 200 ? `${r.body.status}${r.body.closedReason ? `:${r.body.closedReason}` : ''}` : String(r.status)
      places[key] = (places[key] ?? 0) + 1
    }
  }))

  // 4. Misuse must be refused: no token, a forged token, a spent token.
  const misuse = await misuseChecks(api, drop.id, buyers, runId)
  const audit = ok(await api.sdk.GET('/v1/drops/{dropId}/audit', { ...as(creator.token), params: { path: { dropId: drop.id } } }), 'GET /v1/drops/{dropId}/audit')

  // Admission order. Pre-queue: shuffled (no association with join order). After the start: FIFO.
  const admitted = buyers.filter((b) => b.admittedAt !== null)
  const admittedPre = admitted.filter((b) => b.joined === 'pre_queue')
  const admittedPost = admitted.filter((b) => b.joined === 'waiting')
  const tauPre = kendallTauB(admittedPre.map((b) => b.joinedAt), admittedPre.map((b) => b.admittedAt!))
  const chiPre = chiSquareBins(admittedPre.map((b) => b.joinedAt), admittedPre.map((b) => b.admittedAt!), 4)
  const tauPost = kendallTauB(admittedPost.map((b) => b.joinedAt), admittedPost.map((b) => b.admittedAt!))
  // Strict FIFO beyond the concurrency window: a buyer whose join answer came ≥ 250 ms before another's is
  // never admitted in a later batch. (tau-b is reported, not gated: admitter batches are ties, which cap it
  // below 1 even for a perfect FIFO — 3 batches of 12 give 0.83.) Every pre-queue buyer is admitted no later than any post-start joiner.
  let inversions = 0
  for (const a of admittedPost) for (const b of admittedPost) if (a.joinedAt + 250 <= b.joinedAt && a.admittedAt! > b.admittedAt!) inversions++
  const lastPre = Math.max(0, ...admittedPre.map((b) => b.admittedAt!))
  const preAfterPost = admittedPost.filter((b) => b.admittedAt! < lastPre).length
  const confirmed = Number(audit.confirmedQuantity)
  const ordersWithToken = orderCodes.CONFIRMED ?? 0
  const toldP = told.latencies
  const checks: Check[] = [
    { name: 'no oversell', ok: audit.invariantHolds === true && confirmed <= o.units && Number(audit.availableStock) >= 0, detail: `confirmed ${confirmed} of ${o.units}, availableStock ${audit.availableStock}, invariantHolds ${audit.invariantHolds}` },
    { name: 'zero orders without a valid token', ok: confirmed === ordersWithToken && misuse.ok, detail: `${confirmed} confirmed = ${ordersWithToken} ordered with an admission token; ${misuse.detail}` },
    { name: 'admissions never outnumber the stock', ok: stats.admitted! - stats.expired! <= o.units && (orderCodes.SOLD_OUT ?? 0) === 0, detail: `${stats.admitted} admitted − ${stats.expired} expired ≤ ${o.units} units; ${orderCodes.SOLD_OUT ?? 0} valid tokens met SOLD_OUT` },
    { name: 'sold out through the line', ok: confirmed === o.units, detail: `${confirmed} of ${o.units} units sold; ${admitted.length} buyers admitted (${admittedPre.length} from the pre-queue, ${admittedPost.length} after the start); orders ${JSON.stringify(orderCodes)}` },
    { name: `pre-queue shuffled: Kendall tau-b vs join order, |z| < ${Z_CRITICAL_001} (p 0.001)`, ok: admittedPre.length < 20 || Math.abs(tauPre.z) < Z_CRITICAL_001, detail: `n ${tauPre.n}, tau-b ${tauPre.tau.toFixed(4)}, z ${tauPre.z.toFixed(2)}` },
    { name: `pre-queue shuffled: chi-square 4×4 quartiles (join × admission), χ² < ${CHI2_CRITICAL_001[9]} (9 df, p 0.001)`, ok: admittedPre.length < 40 || chiPre.chi2 < CHI2_CRITICAL_001[9]!, detail: `χ² ${chiPre.chi2.toFixed(2)}, table ${JSON.stringify(chiPre.table)}` },
    { name: 'FIFO after the start', ok: inversions === 0 && preAfterPost === 0, detail: `n ${admittedPost.length}, tau-b ${tauPost.tau.toFixed(4)} (z ${tauPost.z.toFixed(1)}), ${inversions} inversions ≥ 250 ms apart, ${preAfterPost} post-start buyers admitted before the last pre-queue one` },
    { name: 'every waiting buyer told within 2 s of the sell-out', ok: soldOutAt !== null && told.missing === 0 && percentile(toldP, 1) <= 2000 && lineEmptyMs !== null && lineEmptyMs <= 2000 && (places['closed:sold_out'] ?? 0) === leftovers.length,
      detail: `${told.observed} streams: ${told.observed - told.missing} got queue.closed, max ${percentile(toldP, 1).toFixed(0)} ms, p95 ${percentile(toldP, 0.95).toFixed(0)} ms after drop.sold_out; store line empty ${lineEmptyMs ?? 'never'} ms after; places of ${leftovers.length} never-admitted buyers ${JSON.stringify(places)}` },
    { name: 'join p95 ≤ 500 ms', ok: joinPhase.latency.p95 <= 500, speed: true, detail: `p95 ${joinPhase.latency.p95} ms (p50 ${joinPhase.latency.p50}, p99 ${joinPhase.latency.p99}); ${joinPhase.completed} answered, statuses ${JSON.stringify(joinPhase.statusCounts)}` },
    { name: 'position p95 ≤ 200 ms', ok: percentile(positionMs, 0.95) <= 200, speed: true, detail: `p95 ${percentile(positionMs, 0.95).toFixed(1)} ms over ${positionMs.length} reads (p50 ${percentile(positionMs, 0.5).toFixed(1)})` },
    { name: 'order p95 ≤ 500 ms', ok: percentile(orderMs, 0.95) <= 500, speed: true, detail: `p95 ${percentile(orderMs, 0.95).toFixed(1)} ms over ${orderMs.length} orders (p50 ${percentile(orderMs, 0.5).toFixed(1)})` },
  ]
  return {
    phases: [joinPhase],
    checks,
    extra: {
      dropId: drop.id, stats, audit, pre: pre.length, post: post.length, admittedPre: admittedPre.length, admittedPost: admittedPost.length,
      tauPre, chiPre, tauPost, inversions, told: { ...told, latencies: undefined, p95: percentile(toldP, 0.95), max: percentile(toldP, 1) }, lineEmptyMs, places,
      p95: { join: joinPhase.latency.p95, position: percentile(positionMs, 0.95), order: percentile(orderMs, 0.95) },
    },
  }
}

function pickRandom(n: number, k: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < Math.min(k, n); i++) {
    const j = i + Math.floor(Math.random() * (n - i))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a.slice(0, Math.min(k, n))
}

/** The drop's sold-out moment: `createdAt` of `drop.sold_out` on its public stream (server time). */
/** When the drop's public stream said `drop.sold_out` (the event's own createdAt), read through the SDK. */
function watchSoldOut(api: Api, dropId: string) {
  const state: { at: number | null; wait(ms: number): Promise<number | null> } = {
    at: null,
    async wait(ms) {
      const until = Date.now() + ms
      while (state.at === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      return state.at
    },
  }
  const abort = new AbortController()
  void (async () => {
    for await (const e of api.sdk.subscribe({ dropId }, { signal: abort.signal })) {
      if (e.type === 'drop.sold_out') {
        state.at = e.createdAt ? Date.parse(e.createdAt) : Date.now()
        abort.abort()
        return
      }
    }
  })().catch(() => {})
  return state
}

async function misuseChecks(api: Api, dropId: string, buyers: Buyer[], runId: string) {
  const outsider = buyers.find((b) => b.order !== 'confirmed' && !b.token) ?? buyers[0]!
  const spent = buyers.find((b) => b.order === 'confirmed' && b.token)
  const order = (b: Buyer, token?: string) => api.call('POST', '/v1/orders', {
    token: b.user.token, body: { dropId, quantity: 1 },
    headers: { 'idempotency-key': `lt-${runId}-misuse-${crypto.randomUUID()}`, ...(token ? { 'admission-token': token } : {}) },
  })
  const results = {
    none: (await order(outsider)).body?.code,
    forged: (await order(outsider, 'eyJkIjoiZm9yZ2VkIn0.AAAA')).body?.code,
    othersToken: spent ? (await order(outsider, spent.token!)).body?.code : 'ADMISSION_INVALID',
    spentAgain: spent ? (await order(spent, spent.token!)).body?.code : 'ADMISSION_USED',
  }
  const ok = results.none === 'ADMISSION_REQUIRED' && results.forged === 'ADMISSION_INVALID' && results.othersToken === 'ADMISSION_INVALID' && results.spentAgain === 'ADMISSION_USED'
  return { ok, detail: `misuse refused: ${JSON.stringify(results)}` }
}
