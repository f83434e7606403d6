import { createHash } from 'node:crypto'
import type { Sql } from '../db'
import { AppError, notFound } from '../errors'
import { refusalBody, type RefusalCode } from './refusal'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { CreateOrderRequest, Order } from '../contract/schemas.gen'
import { appendEvent, eventTrace } from '../platform/outbox'
import { violatedConstraint } from '../platform/constraints'
import type { PubSub } from '../lib/pubsub'
import * as repo from './repo'
import { createBatchPlacer, type OrderResult, type Outcome, type OutcomeListener } from './batch'
import { createSoldOutBook } from './sold-out'

export type { OrderResult } from './batch'

/** The waiting room's gate (queue/service.ts), asked before an order is placed. */
export interface AdmissionGate {
  /** → true when the order spent an admission (queued drop); throws 403 ADMISSION_* when it may not be placed */
  admit(userId: string, dropId: string, token: string | undefined, idempotencyKey: string): Promise<boolean>
  settle(userId: string, dropId: string, confirmed: boolean): Promise<void>
}

export interface OrdersService {
  place(userId: string, idempotencyKey: string, input: CreateOrderRequest, requestId: string, admissionToken?: string): Promise<OrderResult>
  get(userId: string, orderId: string): Promise<Order>
  list(userId: string, q: { limit: number; cursor?: string }): Promise<Page<Order>>
  cancel(userId: string, orderId: string): Promise<Order>
  /**
   * Called once per decided order request (metrics) and per cancelled order; `availableStock` is the drop's
   * stock after a confirmed or cancelled order (0: this order sold the drop out).
   */
  onOutcome(listener: OutcomeListener): void
  close(): void
}

export const toOrder = (r: repo.OrderRow): Order => ({
  id: r.id,
  dropId: r.dropId,
  userId: r.userId,
  quantity: r.quantity,
  unitPriceCents: r.unitPriceCents,
  totalCents: r.totalCents,
  currency: r.currency,
  status: r.status,
  createdAt: r.createdAt.toISOString(),
  cancelledAt: r.cancelledAt ? r.cancelledAt.toISOString() : null,
})

/** The request's identity for idempotency: same key + same fingerprint = the same intended purchase. */
const fingerprint = (input: CreateOrderRequest) =>
  createHash('sha256').update(`POST /v1/orders\n${JSON.stringify({ dropId: input.dropId, quantity: input.quantity })}`).digest()

export interface OrdersOptions {
  sql: Sql
  pubsub: PubSub
  /** channel for "stock came back" messages between instances (see sold-out.ts) */
  restockChannel: string
  /** Longer than any request may run (REQUEST_TIMEOUT_MS), so a live request never loses its key's lease. */
  leaseSec: number
  /** false: the one-order-per-statement path (ORDER_BATCHING=false), kept to compare against */
  batching: boolean
  maxBatch: number
  batchWindowMs: number
  /** absent: every drop is open */
  admission?: AdmissionGate
}

export function createOrdersService(deps: OrdersOptions): OrdersService {
  const { sql, leaseSec } = deps
  const listeners: OutcomeListener[] = []
  const outcome = (o: Outcome, dropId: string, availableStock?: number) => listeners.forEach((l) => l(o, dropId, availableStock))
  const soldOut = createSoldOutBook({ pubsub: deps.pubsub, channel: deps.restockChannel })
  const batch = createBatchPlacer({ sql, soldOut, maxBatch: deps.maxBatch, windowMs: deps.batchWindowMs, outcome })

  /** → a fresh lease on the key, or the stored answer to replay; throws 409 in-use / 422 reused. */
  async function acquire(userId: string, key: string, fp: Buffer): Promise<{ lease: string } | { replay: OrderResult }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const lease = newId()
      if (await repo.claimKey(sql, { userId, key, fingerprint: fp, lease, leaseSec })) return { lease }
      const existing = await repo.readKey(sql, userId, key)
      if (!existing) continue // deleted by the 24 h clean-up in between: claim again
      if (existing.expired) {
        await repo.deleteExpiredKey(sql, userId, key)
        continue
      }
      if (!Buffer.from(existing.fingerprint).equals(fp)) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body; use a new key for a new purchase')
      }
      if (existing.responseStatus !== null && existing.responseBody !== null) {
        return { replay: { status: existing.responseStatus, body: existing.responseBody, replayed: true } }
      }
      if (existing.held) {
        const wait = Math.max(1, Math.ceil(existing.remainingSec ?? 1))
        throw new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly', {
          headers: { 'retry-after': String(Math.min(wait, 2)) },
        })
      }
      // The first request died mid-way (its lease ran out, nothing was stored): this retry takes over.
      if (await repo.takeOverKey(sql, { userId, key, lease, leaseSec })) return { lease }
    }
    throw new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly', { headers: { 'retry-after': '1' } })
  }

  async function refuse(userId: string, key: string, lease: string, requestId: string, code: RefusalCode, drop: { status: string; ended: boolean; availableStock: number }): Promise<OrderResult> {
    const { status, body } = refusalBody(code, drop, requestId)
    // Refusals are answers too: a retry with the same key must get the same SOLD_OUT, not a fresh attempt.
    await repo.completeKey(sql, { userId, key, lease, status, body })
    return { status, body, replayed: false }
  }

  const service: OrdersService = {
    onOutcome: (l) => void listeners.push(l),

    close: () => soldOut.close(),

    async place(userId, key, input, requestId) {
      const fp = fingerprint(input)
      if (deps.batching) {
        return batch.place({ userId, key, fingerprint: fp.toString('hex'), quantity: input.quantity, dropId: input.dropId, requestId, traceparent: eventTrace() })
      }
      const got = await acquire(userId, key, fp)
      if ('replay' in got) return got.replay
      const { lease } = got
      try {
        let drop: Awaited<ReturnType<typeof repo.findDropForRefusal>>
        // The refusal is read after the statement that refused: when the drop went live (or stock came back)
        // in between, that statement's "no" is out of date — place again rather than answer a stale refusal.
        for (let attempt = 0; ; attempt++) {
          const placed = await repo.placeOrder(sql, { orderId: newId(), dropId: input.dropId, userId, quantity: input.quantity, key, lease })
          if (placed) {
            outcome('confirmed', input.dropId, placed.availableStock)
            return { status: 201, body: placed.body, replayed: false }
          }
          drop = await repo.findDropForRefusal(sql, input.dropId)
          const couldPlace = drop && drop.status === 'live' && !drop.ended && drop.availableStock >= input.quantity
          if (!couldPlace || attempt >= 3 || !(await repo.holdsLease(sql, userId, key, lease))) break
        }
        if (!drop) {
          outcome('NOT_FOUND', input.dropId)
          return refuse(userId, key, lease, requestId, 'NOT_FOUND', { status: 'unknown', ended: false, availableStock: 0 })
        }
        if (drop.status !== 'live' || drop.ended) {
          outcome('DROP_NOT_LIVE', input.dropId)
          return refuse(userId, key, lease, requestId, 'DROP_NOT_LIVE', drop)
        }
        if (drop.availableStock < input.quantity) {
          outcome('SOLD_OUT', input.dropId)
          return refuse(userId, key, lease, requestId, 'SOLD_OUT', drop)
        }
        // Live with stock, yet nothing placed: the lease was taken over by a retry while this request stalled.
        throw new AppError('IDEMPOTENCY_KEY_IN_USE', 'A retry with this Idempotency-Key took over; its answer will be stored', { headers: { 'retry-after': '1' } })
      } catch (err: any) {
        if (violatedConstraint(err) === 'drop_purchases_limit_check') {
          outcome('PURCHASE_LIMIT_EXCEEDED', input.dropId)
          return refuse(userId, key, lease, requestId, 'PURCHASE_LIMIT_EXCEEDED', { status: 'live', ended: false, availableStock: 0 })
        }
        if (!(err instanceof AppError)) await repo.releaseKey(sql, { userId, key, lease }).catch(() => {})
        throw err
      }
    },

    async get(userId, orderId) {
      const row = await repo.findOrder(sql, orderId, userId)
      // Somebody else's order is indistinguishable from a missing one.
      if (!row) throw notFound('order')
      return toOrder(row)
    },

    async list(userId, q) {
      const after = decodeCursor(q.cursor, ['uuid'])
      const rows = await repo.listOrders(sql, { userId, after, limit: q.limit })
      return toPage(rows, q.limit, toOrder, (r) => [r.id])
    },

    async cancel(userId, orderId) {
      return sql.begin(async (tx) => {
        const row = await repo.cancelOrder(tx, orderId, userId)
        if (row) {
          const order = toOrder(row)
          await appendEvent(tx, { type: 'order.cancelled', userId, dropId: row.dropId, data: { order, availableStock: row.availableStock } })
          return { order, availableStock: row.availableStock, changed: true }
        }
        const existing = await repo.findOrder(tx, orderId, userId)
        if (!existing) throw notFound('order')
        return { order: toOrder(existing), availableStock: undefined, changed: false } // already cancelled: idempotent
      }).then(({ order, availableStock, changed }) => {
        if (changed) {
          // Stock is back: no instance may keep refusing the drop as sold out.
          soldOut.restocked(order.dropId)
          outcome('cancelled', order.dropId, availableStock)
        }
        return order
      })
    },
  }

  // Queued drops only: the admission is checked (and spent) before the order is placed, and the outcome
  // reported after; the placing itself is the same for every drop.
  const { admission } = deps
  if (!admission) return service
  const placeOrder = service.place
  return {
    ...service,
    async place(userId, key, input, requestId, admissionToken) {
      const queued = await admission.admit(userId, input.dropId, admissionToken, key)
      const result = await placeOrder(userId, key, input, requestId)
      if (queued) await admission.settle(userId, input.dropId, result.status === 201)
      return result
    },
  }
}
