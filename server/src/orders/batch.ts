import type { Sql } from '../db'
import { AppError } from '../errors'
import { refusalBody, type RefusalCode } from './refusal'
import { lostRace } from '../platform/constraints'
import { createCombiner } from '../lib/combiner'
import { newId } from '../lib/ids'
import type { Order } from '../contract/schemas.gen'
import { allocate, keyId, type BatchRequest, type Decision, type DropState, type ExistingKey } from './allocate'
import * as repo from './repo'
import type { SoldOutBook } from './sold-out'

export interface OrderResult {
  status: number
  /** The exact bytes of the first answer; replays send them again. */
  body: string
  replayed: boolean
}

export type Outcome = 'confirmed' | 'cancelled' | RefusalCode
export type OutcomeListener = (outcome: Outcome, dropId: string, availableStock?: number) => void

export interface PlaceRequest extends BatchRequest {
  dropId: string
  requestId: string
  /** the request's trace, for the events its order writes (taken where the request runs: batches mix traces) */
  traceparent: string | null
}

/** What a request gets: its answer, or an error that is not stored with the key (in use, reused). */
type Answer = OrderResult | AppError

const reused = () => new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body; use a new key for a new purchase')
const inUse = (sec: number) => new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly', {
  headers: { 'retry-after': String(sec) },
})

/** A key was answered by another statement between our read and our write: decide the batch again. */
class KeyRace extends Error {}

/**
 * Orders of one drop that arrive while a batch of that drop is in flight (up to `maxBatch`) are placed
 * together: one transaction, one decrement of the drop's row, one commit — each buyer still gets their own
 * answer, exactly the one serial placement would give (orders/allocate.ts). Once a drop is known sold out,
 * its orders are refused in batches that write only their keys, never the drop's row.
 */
export function createBatchPlacer(deps: { sql: Sql; soldOut: SoldOutBook; maxBatch: number; windowMs: number; outcome: OutcomeListener }) {
  const { sql, soldOut } = deps

  async function placeBatch(dropId: string, items: PlaceRequest[]): Promise<Answer[]> {
    const userIds = items.map((i) => i.userId)
    return sql.begin(async (tx) => {
      // Sent together (one round trip); the reads run after the lock is granted, on a fresh snapshot.
      const [locked, clock, keys, holdings] = await Promise.all([
        repo.lockDrop(tx, dropId),
        repo.dropClock(tx, dropId),
        repo.readKeys(tx, userIds, items.map((i) => i.key)),
        repo.readHoldings(tx, dropId, userIds),
      ])
      const drop: repo.LockedDrop | undefined = locked && clock && { ...locked, ...clock }
      const state: DropState | undefined = drop
      const decisions = allocate(state, items, existingMap(keys), new Map(holdings.map((h) => [h.userId, h.quantity])))
      const answers: repo.KeyAnswer[] = []
      const orders: repo.NewOrder[] = []
      const events: repo.NewEvent[] = []
      const results = decisions.map((d, i): Answer => {
        const it = items[i]
        if (d.kind === 'replay') return { status: d.status, body: d.body, replayed: true }
        if (d.kind === 'reused') return reused()
        if (d.kind === 'in_use') return inUse(d.retryAfterSec)
        let status: number
        let body: string
        if (d.kind === 'confirmed') {
          const order: Order = {
            id: newId(), dropId, userId: it.userId, quantity: it.quantity, unitPriceCents: drop!.unitPriceCents,
            totalCents: drop!.unitPriceCents * it.quantity, currency: drop!.currency, status: 'confirmed',
            createdAt: drop!.now.toISOString(), cancelledAt: null,
          }
          status = 201
          body = JSON.stringify(order)
          orders.push({ id: order.id, userId: it.userId, quantity: it.quantity })
          const traceparent = it.traceparent
          events.push({ type: 'order.confirmed', userId: it.userId, data: `{"order":${body},"availableStock":${d.availableAfter}}`, traceparent })
          if (d.lowStockCrossed) events.push({ type: 'drop.low_stock', userId: null, data: JSON.stringify({ availableStock: d.availableAfter, lowStockThreshold: drop!.lowStockThreshold }), traceparent })
          if (d.soldOut) events.push({ type: 'drop.sold_out', userId: null, data: '{"availableStock":0}', traceparent })
        } else {
          ;({ status, body } = refusalBody(d.code, { status: drop?.status ?? 'unknown', ended: drop?.ended ?? false, availableStock: d.availableStock }, it.requestId))
        }
        answers.push({ userId: it.userId, key: it.key, fingerprint: it.fingerprint, status, body })
        return { status, body, replayed: false }
      })
      if (answers.length) {
        const written = drop ? await repo.writeBatch(tx, { drop, answers, orders, events }) : await repo.storeAnswers(tx, answers)
        if (written !== answers.length) throw new KeyRace()
      }
      return { results, decisions, drop }
    }).then(({ results, decisions, drop }) => {
      // Only after the commit: what the metrics, the caches and the sold-out book see has happened.
      decisions.forEach((d) => {
        if (d.kind === 'confirmed') deps.outcome('confirmed', dropId, d.availableAfter)
        else if (d.kind === 'refused') deps.outcome(d.code, dropId)
      })
      const last = [...decisions].reverse().find((d) => d.kind === 'confirmed')
      const left = last?.kind === 'confirmed' ? last.availableAfter : drop?.availableStock
      if (drop?.status === 'live' && !drop.ended && left === 0) soldOut.markSoldOut(dropId)
      return results
    })
  }

  /** A drop known sold out: read the keys, refuse what is new, store the refusals; the drop's row is not touched. */
  async function refuseBatch(dropId: string, items: PlaceRequest[]): Promise<Answer[]> {
    const keys = await repo.readKeys(sql, items.map((i) => i.userId), items.map((i) => i.key))
    const soldOutState: DropState = { status: 'live', ended: false, availableStock: 0, perUserLimit: null, lowStockThreshold: null }
    const decisions = allocate(soldOutState, items, existingMap(keys), new Map())
    const answers: repo.KeyAnswer[] = []
    const results = decisions.map((d, i): Answer => {
      if (d.kind === 'replay') return { status: d.status, body: d.body, replayed: true }
      if (d.kind === 'reused') return reused()
      if (d.kind === 'in_use') return inUse(d.retryAfterSec)
      const { status, body } = refusalBody((d as Extract<Decision, { kind: 'refused' }>).code, { status: 'live', ended: false, availableStock: (d as Extract<Decision, { kind: 'refused' }>).availableStock }, items[i].requestId)
      answers.push({ userId: items[i].userId, key: items[i].key, fingerprint: items[i].fingerprint, status, body })
      return { status, body, replayed: false }
    })
    // Autocommit: each key row is its own decision; a key answered elsewhere in the meantime is decided again.
    if ((await repo.storeAnswers(sql, answers)) !== answers.length) throw new KeyRace()
    decisions.forEach((d) => d.kind === 'refused' && deps.outcome(d.code, dropId))
    return results
  }

  async function withRetries(run: () => Promise<Answer[]>): Promise<Answer[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run()
      } catch (err: any) {
        // A key raced (KeyRace; 23505 when two inserts of one new key met) or two batches deadlocked on keys
        // (40P01): nothing was written, deciding again sees the other side's committed answer.
        const retryable = err instanceof KeyRace || lostRace(err)
        if (!retryable || attempt >= 4) throw err
      }
    }
  }

  const orders = createCombiner<PlaceRequest, Answer>({
    maxBatch: deps.maxBatch,
    windowMs: deps.windowMs,
    run: (dropId, items) => withRetries(() => placeBatch(dropId, items)),
  })
  const refusals = createCombiner<PlaceRequest, Answer>({
    maxBatch: deps.maxBatch,
    run: (key, items) => withRetries(() => refuseBatch(key.slice('sold-out:'.length), items)),
  })

  // Two requests of one key on this instance at once (a double click): the second is answered at once, as
  // PRODUCT.md promises — 409 IN_USE with Retry-After (its retry then replays the first answer), or 422 when
  // its body differs — without racing the first to the database.
  const ownKeys = new Map<string, { fingerprint: string }>()

  return {
    async place(req: PlaceRequest): Promise<OrderResult> {
      const id = keyId(req.userId, req.key)
      const twin = ownKeys.get(id)
      if (twin) throw twin.fingerprint === req.fingerprint ? inUse(1) : reused()
      ownKeys.set(id, { fingerprint: req.fingerprint })
      const answer = soldOut.has(req.dropId) ? refusals.submit(`sold-out:${req.dropId}`, req) : orders.submit(req.dropId, req)
      try {
        const a = await answer
        if (a instanceof AppError) throw a
        return a
      } finally {
        ownKeys.delete(id)
      }
    },
  }
}

function existingMap(rows: repo.StoredKey[]): Map<string, ExistingKey> {
  return new Map(rows.map((r) => [keyId(r.userId, r.key), r]))
}
