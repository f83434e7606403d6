import type { PubSub } from '../lib/pubsub'

/**
 * What this instance knows about drops that are sold out, so that the rush after a sell-out is refused without
 * a write on the drop's row. The knowledge is only ever used to REFUSE (a stale entry can refuse an order that
 * might have fitted; it can never sell a unit that is not there), and it is corrected three ways:
 *  - a cancelled order returns stock: the instance that cancelled it tells every instance (pub/sub) at once;
 *  - entries expire after `ttlMs`, so a lost message (Redis away) costs at most that long;
 *  - the next batch that reaches the row learns the real stock again.
 */
export interface SoldOutBook {
  has(dropId: string): boolean
  markSoldOut(dropId: string): void
  /** stock came back (an order was cancelled): forget the drop here and on every other instance */
  restocked(dropId: string): void
  close(): void
}

export function createSoldOutBook(deps: { pubsub: PubSub; channel: string; ttlMs?: number }): SoldOutBook {
  const ttlMs = deps.ttlMs ?? 1000
  const until = new Map<string, number>()
  const unsubscribe = deps.pubsub.subscribe(deps.channel, (dropId) => until.delete(dropId))
  return {
    has(dropId) {
      const t = until.get(dropId)
      if (t === undefined) return false
      if (t > Date.now()) return true
      until.delete(dropId)
      return false
    },
    markSoldOut(dropId) {
      if (until.size > 10_000) until.clear()
      until.set(dropId, Date.now() + ttlMs)
    },
    restocked(dropId) {
      until.delete(dropId)
      // Best effort: other instances' entries expire within ttlMs anyway.
      deps.pubsub.publish(deps.channel, dropId).catch(() => {})
    },
    close: unsubscribe,
  }
}
