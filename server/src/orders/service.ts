import { createHash } from 'node:crypto'
import type { Sql } from '../db'
import { AppError, notFound } from '../errors'
import { refusalBody, type RefusalCode } from './refusal'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { CreateOrderRequest, Order } from '../contract/schemas.gen'
import { appendEvent, eventTrace } from '../platform/outbox'
import { violatedConstraint } from '../platform/constraints'
import type { Config } from '../config'
import { admitOrder, settleOrder, type QueueDeps } from '../queue/service'
import * as repo from './repo'
import type { OrderResult, OutcomeListener } from './batch'
import type { Ordering } from './ordering'

export type { OrderResult } from './batch'

/** What the orders' verbs need; a queued drop's admission is checked through the waiting room's verbs. */
export interface OrdersDeps extends QueueDeps {
  sql: Sql
  ordering: Ordering
  /**
   * idempotencyLeaseSec: longer than any request may run (REQUEST_TIMEOUT_MS), so a live request never loses its
   * key's lease; orders.batching false: the one-order-per-statement path (ORDER_BATCHING=false), kept to compare against.
   */
  config: Pick<Config, 'idempotencyLeaseSec'> & { orders: Pick<Config['orders'], 'batching'> }
  hooks: {
    /**
     * Once per decided order request and per cancelled order (deps.ts: metrics, cache); `availableStock` is the
     * drop's stock after a confirmed or cancelled order (0: this order sold the drop out).
     */
    orderDecided: OutcomeListener
  }
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

/** → a fresh lease on the key, or the stored answer to replay; throws 409 in-use / 422 reused. */
async function acquire(deps: OrdersDeps, userId: string, key: string, fp: Buffer): Promise<{ lease: string } | { replay: OrderResult }> {
  const { sql } = deps
  const leaseSec = deps.config.idempotencyLeaseSec
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

async function refuse(deps: OrdersDeps, userId: string, key: string, lease: string, requestId: string, code: RefusalCode, drop: { status: string; ended: boolean; availableStock: number }): Promise<OrderResult> {
  const { status, body } = refusalBody(code, drop, requestId)
  // Refusals are answers too: a retry with the same key must get the same SOLD_OUT, not a fresh attempt.
  await repo.completeKey(deps.sql, { userId, key, lease, status, body })
  return { status, body, replayed: false }
}

/** The one-order-per-statement path (ORDER_BATCHING=false). */
async function placeAlone(deps: OrdersDeps, userId: string, key: string, fp: Buffer, input: CreateOrderRequest, requestId: string): Promise<OrderResult> {
  const { sql } = deps
  const outcome = deps.hooks.orderDecided
  const got = await acquire(deps, userId, key, fp)
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
      return refuse(deps, userId, key, lease, requestId, 'NOT_FOUND', { status: 'unknown', ended: false, availableStock: 0 })
    }
    if (drop.status !== 'live' || drop.ended) {
      outcome('DROP_NOT_LIVE', input.dropId)
      return refuse(deps, userId, key, lease, requestId, 'DROP_NOT_LIVE', drop)
    }
    if (drop.availableStock < input.quantity) {
      outcome('SOLD_OUT', input.dropId)
      return refuse(deps, userId, key, lease, requestId, 'SOLD_OUT', drop)
    }
    // Live with stock, yet nothing placed: the lease was taken over by a retry while this request stalled.
    throw new AppError('IDEMPOTENCY_KEY_IN_USE', 'A retry with this Idempotency-Key took over; its answer will be stored', { headers: { 'retry-after': '1' } })
  } catch (err: any) {
    if (violatedConstraint(err) === 'drop_purchases_limit_check') {
      outcome('PURCHASE_LIMIT_EXCEEDED', input.dropId)
      return refuse(deps, userId, key, lease, requestId, 'PURCHASE_LIMIT_EXCEEDED', { status: 'live', ended: false, availableStock: 0 })
    }
    if (!(err instanceof AppError)) await repo.releaseKey(sql, { userId, key, lease }).catch(() => {})
    throw err
  }
}

/**
 * `POST /v1/orders`. On a queued drop the admission is checked (and spent) first and the outcome reported
 * after; the placing itself is the same for every drop: batched (orders/batch.ts) unless ORDER_BATCHING=false.
 */
export async function placeOrder(deps: OrdersDeps, userId: string, key: string, input: CreateOrderRequest, requestId: string, admissionToken?: string): Promise<OrderResult> {
  const queued = await admitOrder(deps, userId, input.dropId, admissionToken, key)
  const fp = fingerprint(input)
  const result = deps.config.orders.batching
    ? await deps.ordering.batch.place({ userId, key, fingerprint: fp.toString('hex'), quantity: input.quantity, dropId: input.dropId, requestId, traceparent: eventTrace() })
    : await placeAlone(deps, userId, key, fp, input, requestId)
  if (queued) await settleOrder(deps, userId, input.dropId, result.status === 201)
  return result
}

/** The buyer's own order; anybody else's is indistinguishable from a missing one (404). */
export async function getOrder(deps: Pick<OrdersDeps, 'sql'>, userId: string, orderId: string): Promise<Order> {
  const row = await repo.findOrder(deps.sql, orderId, userId)
  if (!row) throw notFound('order')
  return toOrder(row)
}

export async function listOrders(deps: Pick<OrdersDeps, 'sql'>, userId: string, q: { limit: number; cursor?: string }): Promise<Page<Order>> {
  const after = decodeCursor(q.cursor, ['uuid'])
  const rows = await repo.listOrders(deps.sql, { userId, after, limit: q.limit })
  return toPage(rows, q.limit, toOrder, (r) => [r.id])
}

/** Cancels the buyer's order and returns its stock; cancelling a cancelled order answers it again. */
export async function cancelOrder(deps: Pick<OrdersDeps, 'sql' | 'ordering' | 'hooks'>, userId: string, orderId: string): Promise<Order> {
  const { order, availableStock, changed } = await deps.sql.begin(async (tx) => {
    const row = await repo.cancelOrder(tx, orderId, userId)
    if (row) {
      const order = toOrder(row)
      await appendEvent(tx, { type: 'order.cancelled', userId, dropId: row.dropId, data: { order, availableStock: row.availableStock } })
      return { order, availableStock: row.availableStock, changed: true }
    }
    const existing = await repo.findOrder(tx, orderId, userId)
    if (!existing) throw notFound('order')
    return { order: toOrder(existing), availableStock: undefined, changed: false } // already cancelled: idempotent
  })
  if (changed) {
    // Stock is back: no instance may keep refusing the drop as sold out.
    deps.ordering.soldOut.restocked(order.dropId)
    deps.hooks.orderDecided('cancelled', order.dropId, availableStock)
  }
  return order
}
