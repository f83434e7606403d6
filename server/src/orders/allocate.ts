import type { RefusalCode } from './refusal'
/**
 * Who gets what in one batch of orders for one drop: a pure function of the drop's row (read under its lock),
 * the buyers' current holdings and the batch's keys, so every rule can be tested without a database.
 *
 * The rules are those of placing the orders one by one in arrival order — the batch must answer exactly what
 * serial placement would, so a buyer cannot tell whether their order shared a commit:
 *  1. a key that already has an answer replays it (same body) or is refused as reused (another body); a key
 *     still leased by an unbatched request in flight answers IDEMPOTENCY_KEY_IN_USE;
 *  2. an unknown drop → NOT_FOUND; a drop that is not live (or whose endsAt has passed, read with
 *     clock_timestamp() after the lock wait) → DROP_NOT_LIVE;
 *  3. more units than are left → SOLD_OUT (a later, smaller order of the batch may still fit: greedy, as serial);
 *  4. over the per-buyer limit, counting what this batch already gave the buyer → PURCHASE_LIMIT_EXCEEDED;
 *  5. otherwise confirmed, and the stock and the buyer's holding go down before the next request is looked at.
 */
export interface BatchRequest {
  userId: string
  key: string
  /** sha-256 of the request's identity (dropId, quantity), hex */
  fingerprint: string
  quantity: number
}

export interface DropState {
  status: string
  ended: boolean
  availableStock: number
  perUserLimit: number | null
  lowStockThreshold: number | null
}

export interface ExistingKey {
  fingerprint: string
  responseStatus: number | null
  responseBody: string | null
  /** a request of the one-order-per-statement path holds it right now */
  held: boolean
  remainingSec: number | null
  /** older than the 24 h the key is kept: treated as never used */
  expired: boolean
}

export type Decision =
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'reused' }
  | { kind: 'in_use'; retryAfterSec: number }
  | { kind: 'confirmed'; availableAfter: number; lowStockCrossed: boolean; soldOut: boolean }
  | { kind: 'refused'; code: RefusalCode; availableStock: number }

export const keyId = (userId: string, key: string) => `${userId}\n${key}`

export function allocate(
  drop: DropState | undefined,
  requests: BatchRequest[],
  existing: Map<string, ExistingKey>,
  holdings: Map<string, number>,
): Decision[] {
  let stock = drop?.availableStock ?? 0
  const held = new Map(holdings)
  return requests.map((r): Decision => {
    const prior = existing.get(keyId(r.userId, r.key))
    if (prior && !prior.expired) {
      if (prior.fingerprint !== r.fingerprint) return { kind: 'reused' }
      if (prior.responseStatus !== null && prior.responseBody !== null) return { kind: 'replay', status: prior.responseStatus, body: prior.responseBody }
      if (prior.held) return { kind: 'in_use', retryAfterSec: Math.min(2, Math.max(1, Math.ceil(prior.remainingSec ?? 1))) }
      // Its first request died mid-way (lease over, nothing stored): this one takes the key over.
    }
    if (!drop) return { kind: 'refused', code: 'NOT_FOUND', availableStock: 0 }
    if (drop.status !== 'live' || drop.ended) return { kind: 'refused', code: 'DROP_NOT_LIVE', availableStock: stock }
    if (r.quantity > stock) return { kind: 'refused', code: 'SOLD_OUT', availableStock: stock }
    const holding = held.get(r.userId) ?? 0
    if (drop.perUserLimit !== null && holding + r.quantity > drop.perUserLimit) {
      return { kind: 'refused', code: 'PURCHASE_LIMIT_EXCEEDED', availableStock: stock }
    }
    const before = stock
    stock -= r.quantity
    held.set(r.userId, holding + r.quantity)
    const t = drop.lowStockThreshold
    return {
      kind: 'confirmed',
      availableAfter: stock,
      // Exactly one order of a drop's life crosses each line: stock only moves under the row lock.
      lowStockCrossed: t !== null && before > t && stock <= t && stock > 0,
      soldOut: stock === 0,
    }
  })
}
