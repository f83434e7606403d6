/**
 * rush: many distinct buyers ordering from one hot drop the moment it goes live, each attempt with its own
 * Idempotency-Key, one in RETRY_EVERY re-sending an earlier key (as a client retrying after a lost answer would).
 * Afterwards the drop is audited through the API: stock never went below zero, every confirmed unit is an order
 * a buyer was told about, and no key bought twice.
 */
import { EXPECTED_STATUSES, RETRY_EVERY, rushPlan, TARGETS } from '../../workloads'
import { runLoad, type EngineRequest } from '../engine'
import { phaseReport, type Check, type PhaseReport } from '../report'
import { createCreator, createDrop, createProduct, registerUsers, waitLive, type User } from '../seed'
import { as, ok, type Api } from '../api'
import { loadChecks } from './browse'

export interface RushPrepared {
  users: User[]
  creatorToken: string
  productId: string
}

export async function prepareRush(api: Api, runId: string, userCount: number, log: (s: string) => void): Promise<RushPrepared> {
  const t = performance.now()
  const creator = await createCreator(api, runId)
  const productId = await createProduct(api, creator.token, 0)
  const users = await registerUsers(api, runId, userCount, 16, (n) => log(`  registered ${n}/${userCount} buyers`))
  log(`registered ${users.length} buyers in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  return { users, creatorToken: creator.token, productId }
}

interface KeyState {
  user: number
  orderId: string | null
  /** status and code of the first answer, which every retry must replay */
  first: string | null
}

/** Client-side bookkeeping of every order attempt, checked against the server's audit afterwards. */
export class OrderBook {
  keys = new Map<string, KeyState>()
  /** keys whose first answer arrived (the pool retries are drawn from) */
  answered: string[] = []
  orderIds = new Set<string>()
  ordersPerUser = new Map<number, number>()
  duplicates: string[] = []
  replayMismatches: string[] = []
  codes: Record<string, number> = {}
  unanswered = new Set<string>()

  record(key: string, retry: boolean, status: number, body: string, headers: Record<string, string | string[]>) {
    const entry = this.keys.get(key)
    if (!entry) return
    let parsed: { id?: string; code?: string } = {}
    try {
      parsed = JSON.parse(body)
    } catch {}
    const code = status === 201 ? 'CONFIRMED' : parsed.code ?? String(status)
    this.codes[code] = (this.codes[code] ?? 0) + 1
    // A retry racing its original is told to come back later, and a 5xx (an instance that crashed or drained with
    // the order in flight, or the balancer in front of it) says nothing about the order either: neither is an
    // answer to compare. A key that got nothing else is re-asked with its key after the run (resolveUnanswered).
    if (code === 'IDEMPOTENCY_KEY_IN_USE' || status >= 500) {
      if (entry.first === null && !retry) this.unanswered.add(key)
      return
    }
    if (status === 201 && parsed.id) {
      if (entry.orderId && entry.orderId !== parsed.id) this.duplicates.push(`${key}: ${entry.orderId} and ${parsed.id}`)
      if (!entry.orderId) {
        entry.orderId = parsed.id
        this.orderIds.add(parsed.id)
        this.ordersPerUser.set(entry.user, (this.ordersPerUser.get(entry.user) ?? 0) + 1)
      }
    }
    const answer = `${status} ${code}`
    if (entry.first === null) {
      entry.first = answer
      this.unanswered.delete(key)
      if (!retry) this.answered.push(key)
    } else if (retry) {
      const replayed = String(headerOf(headers, 'idempotent-replayed')) === 'true'
      if (answer !== entry.first || !replayed) this.replayMismatches.push(`${key}: first ${entry.first}, retry ${answer}${replayed ? '' : ' without Idempotent-Replayed'}`)
    }
  }
}

function headerOf(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name) return headers[k]
  return undefined
}

export interface RushResult {
  phase: PhaseReport
  checks: Check[]
  /** the audit and idempotency checks alone (they must hold at any speed) */
  correctness: Check[]
  audit: Record<string, unknown>
  dropId: string
}

export async function createHotDrop(api: Api, prepared: RushPrepared, rate: number, durationSec: number, startsInSec = 2): Promise<{ id: string; startsAt: string; plan: ReturnType<typeof rushPlan> }> {
  const plan = rushPlan({ rate, durationSec }, prepared.users.length)
  const drop = await createDrop(api, prepared.creatorToken, { productId: prepared.productId, ...plan, startsInSec })
  return { ...drop, plan }
}

/** One rush on a fresh hot drop: create it, wait for the scheduler to make it live, order, resolve, audit. */
export async function rushOnce(api: Api, runId: string, prepared: RushPrepared, rate: number, durationSec: number, opts: { connections?: number; drop?: { id: string; startsAt: string; plan: ReturnType<typeof rushPlan> }; name?: string } = {}): Promise<RushResult> {
  const drop = opts.drop ?? (await createHotDrop(api, prepared, rate, durationSec))
  await waitLive(api, drop.id, drop.startsAt)
  const book = new OrderBook()
  const body = JSON.stringify({ dropId: drop.id, quantity: 1 })
  const users = prepared.users
  const request = (key: string, user: number, retry: boolean): EngineRequest => ({
    method: 'POST',
    path: '/v1/orders',
    headers: { authorization: `Bearer ${users[user]!.token}`, 'idempotency-key': key },
    body,
    name: retry ? 'POST /v1/orders (retry of a key)' : 'POST /v1/orders',
    meta: { key, retry },
  })
  const result = await runLoad({
    baseUrl: api.baseUrl,
    rate,
    durationSec,
    connections: opts.connections,
    expected: EXPECTED_STATUSES.rush,
    next: (j) => {
      if (j % RETRY_EVERY === RETRY_EVERY - 1 && book.answered.length > 0) {
        const key = book.answered[(j * 7919) % book.answered.length]!
        return request(key, book.keys.get(key)!.user, true)
      }
      const key = `lt-${runId}-${drop.id.slice(-8)}-${j}`
      const user = j % users.length
      book.keys.set(key, { user, orderId: null, first: null })
      return request(key, user, false)
    },
    onResponse: (req, status, text, headers) => {
      const { key, retry } = req.meta as { key: string; retry: boolean }
      book.record(key, retry, status, text, headers)
    },
    onError: (req) => {
      const { key, retry } = req.meta as { key: string; retry: boolean }
      if (!retry && book.keys.get(key)?.first === null) book.unanswered.add(key)
    },
  })

  // An attempt that got no answer may or may not have bought: ask again with the same key, as a client
  // would, so the stored answer (or a first one) tells. Afterwards the book knows every order of the run.
  const resolved = await resolveUnanswered(api, book, request)
  const path = { dropId: drop.id }
  const audit = ok(await api.sdk.GET('/v1/drops/{dropId}/audit', { ...as(prepared.creatorToken), params: { path } }), 'GET /v1/drops/{dropId}/audit')
  const current = ok(await api.sdk.GET('/v1/drops/{dropId}', { params: { path } }), 'GET /v1/drops/{dropId}')

  const phase = phaseReport(opts.name ?? 'rush', result)
  const confirmed = Number(audit.confirmedQuantity)
  const initial = Number(audit.initialStock)
  const available = Number(audit.availableStock)
  const overLimit = [...book.ordersPerUser.values()].filter((n) => n > drop.plan.perUserLimit).length
  const soldOutSeen = (book.codes.SOLD_OUT ?? 0) > 0
  const correctness: Check[] = [
    { name: 'no oversell', ok: available >= 0 && confirmed <= initial && audit.invariantHolds === true, detail: `initialStock ${initial}, confirmed ${confirmed}, availableStock ${available}, ledgerSum ${audit.ledgerSum}, invariantHolds ${audit.invariantHolds}` },
    { name: 'confirmed = stock sold', ok: confirmed === initial - available && Number(audit.sold) - Number(audit.cancelled) === confirmed && (!soldOutSeen || available === 0), detail: `sold ${audit.sold} − cancelled ${audit.cancelled} = confirmed ${confirmed} = ${initial} − ${available}${soldOutSeen ? '; SOLD_OUT answered and stock is 0' : ''}` },
    { name: 'every confirmed unit is an order a buyer was given', ok: book.orderIds.size === confirmed, detail: `${book.orderIds.size} distinct order ids answered, ${confirmed} confirmed in the audit${resolved ? ` (${resolved} unanswered attempts re-asked with their key)` : ''}` },
    { name: 'one order per idempotency key', ok: book.duplicates.length === 0 && book.replayMismatches.length === 0, detail: book.duplicates.length + book.replayMismatches.length === 0 ? `${book.keys.size} keys, every retry replayed its first answer` : [...book.duplicates, ...book.replayMismatches].slice(0, 5).join('; ') },
    { name: 'perUserLimit held', ok: overLimit === 0, detail: `${overLimit} buyers over ${drop.plan.perUserLimit} orders` },
    { name: 'drop read agrees with the audit', ok: current.availableStock === available, detail: `GET /v1/drops/{id} availableStock ${current.availableStock}, audit ${available}` },
  ]
  const checks = [...loadChecks(phase, TARGETS.rush), ...correctness]
  return { phase, checks, correctness, dropId: drop.id, audit: { ...audit, plan: drop.plan, answers: book.codes, keys: book.keys.size } }
}

async function resolveUnanswered(api: Api, book: OrderBook, request: (key: string, user: number, retry: boolean) => EngineRequest): Promise<number> {
  const keys = [...book.unanswered]
  let i = 0
  async function worker() {
    while (i < keys.length) {
      const key = keys[i++]!
      const r = request(key, book.keys.get(key)!.user, false)
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await fetch(api.baseUrl + r.path, { method: 'POST', headers: { ...r.headers, 'content-type': 'application/json' }, body: r.body })
        const text = await res.text()
        if ((res.status === 409 && text.includes('IDEMPOTENCY_KEY_IN_USE')) || res.status >= 500) {
          await new Promise((ok) => setTimeout(ok, Number(res.headers.get('retry-after') ?? 1) * 1000))
          continue
        }
        const headers: Record<string, string> = {}
        res.headers.forEach((v, k) => (headers[k] = v))
        book.record(key, false, res.status, text, headers)
        break
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker))
  return keys.length
}
