import type { ClosedReason, Entry, QueueStore } from './store'

/**
 * The zero set-up stand-in for redis-store.ts: one process is the whole deployment, so plain maps are the
 * shared state and JavaScript's single thread makes each method as atomic as a Lua script. Same semantics.
 */
interface Line {
  pre: Set<string>
  /** user → sequence; the line's order */
  line: Map<string, number>
  seq: number
  sealed: boolean
  admitted: Map<string, number>
  log: Map<string, number>
  bought: Set<string>
  expired: Set<string>
  gone: Map<string, ClosedReason>
  used: Map<string, string>
  credit: number
  last: number | null
}

export function createMemoryQueueStore(now: () => number = Date.now): QueueStore {
  const lines = new Map<string, Line>()
  const active = new Set<string>()
  const spent = new Map<string, number>()
  const of = (dropId: string): Line => {
    let l = lines.get(dropId)
    if (!l) {
      l = { pre: new Set(), line: new Map(), seq: 0, sealed: false, admitted: new Map(), log: new Map(), bought: new Set(), expired: new Set(), gone: new Map(), used: new Map(), credit: 1, last: null }
      lines.set(dropId, l)
    }
    return l
  }
  // Ranks by counting: fine for the single-process mode this serves (a Redis sorted set does it in O(log n)).
  const rank = (l: Line, u: string) => {
    const mine = l.line.get(u)!
    let ahead = 0
    for (const s of l.line.values()) if (s < mine) ahead++
    return ahead
  }
  const entry = (l: Line, u: string): Entry | null => {
    if (l.bought.has(u)) return { status: 'bought' }
    const e = l.admitted.get(u)
    if (e !== undefined) return { status: 'admitted', expiresAtMs: e }
    if (l.expired.has(u)) return { status: 'expired' }
    if (l.line.has(u)) return { status: 'waiting', ahead: rank(l, u) }
    if (l.pre.has(u)) return { status: 'pre_queue' }
    const g = l.gone.get(u)
    return g ? { status: 'closed', reason: g } : null
  }
  return {
    kind: 'memory',
    async join(dropId, userId, startsAtMs, rejoin) {
      const l = of(dropId)
      const e = entry(l, userId)
      if (e && !(e.status === 'closed' && e.reason === 'sold_out' && rejoin)) return e
      if (l.sealed) {
        l.gone.delete(userId)
        l.line.set(userId, ++l.seq)
        return { status: 'waiting', ahead: rank(l, userId) }
      }
      if (now() >= startsAtMs) return 'needs_seal'
      l.gone.delete(userId)
      l.pre.add(userId)
      return { status: 'pre_queue' }
    },
    isSealed: async (dropId) => of(dropId).sealed,
    preQueue: async (dropId) => [...of(dropId).pre],
    async seal(dropId, startsAtMs, order) {
      const l = of(dropId)
      if (l.sealed) return false
      if (now() < startsAtMs) return false
      for (const u of order) if (l.pre.delete(u)) l.line.set(u, ++l.seq)
      for (const u of l.pre) l.line.set(u, ++l.seq)
      l.pre.clear()
      l.sealed = true
      return true
    },
    async outstanding(dropId) {
      return { count: of(dropId).admitted.size, atMs: now() }
    },
    async admit(dropId, o) {
      const l = of(dropId)
      const t = now()
      const expired: string[] = []
      for (const [u, e] of l.admitted) {
        if (e <= t) {
          l.admitted.delete(u)
          l.expired.add(u)
          expired.push(u)
        }
      }
      l.credit = Math.min(Math.max(1, o.rate / 2), l.credit + Math.max(0, t - (l.last ?? t)) * o.rate / 1000)
      l.last = t
      // As in the Redis store: at least the count taken before the stock was read, less those just expired,
      // plus every admission since.
      const since = o.before ? [...l.log.values()].filter((at) => at >= o.before!.atMs).length : 0
      const outstanding = Math.max(l.admitted.size, o.before ? o.before.count - expired.length + since : 0)
      const n = Math.floor(Math.min(l.credit, o.capacity - outstanding))
      const next = [...l.line.entries()].sort((a, b) => a[1] - b[1]).slice(0, Math.max(0, n))
      const admitted = next.map(([userId]) => {
        l.line.delete(userId)
        l.admitted.set(userId, t + o.ttlMs)
        l.log.set(userId, t)
        return { userId, expiresAtMs: t + o.ttlMs }
      })
      l.credit -= admitted.length
      return { admitted, expired }
    },
    async close(dropId, reason) {
      const l = of(dropId)
      const told = [...l.line.keys(), ...l.pre, ...[...l.admitted.keys()].filter((u) => !l.used.has(u))]
      for (const u of told) {
        l.gone.set(u, reason)
        l.admitted.delete(u)
      }
      l.line.clear()
      l.pre.clear()
      return told
    },
    entries: async (dropId, userIds) => userIds.map((u) => entry(of(dropId), u)),
    async consume(dropId, userId, key) {
      const l = of(dropId)
      const used = l.used.get(userId)
      if (used === undefined) {
        l.used.set(userId, key)
        return 'fresh'
      }
      return used === key ? 'same' : 'other'
    },
    spentBy: async (dropId, userId) => of(dropId).used.get(userId) ?? null,
    async settle(dropId, userId, confirmed) {
      const l = of(dropId)
      l.admitted.delete(userId)
      if (confirmed) {
        l.bought.add(userId)
        l.expired.delete(userId)
        l.gone.delete(userId)
      } else if (!l.bought.has(userId)) {
        l.expired.delete(userId)
        l.gone.set(userId, 'order_refused')
      }
    },
    async stats(dropId) {
      const l = of(dropId)
      const since = now() - 10_000
      return {
        waiting: l.line.size + l.pre.size,
        admitted: l.log.size,
        bought: l.bought.size,
        expired: l.expired.size,
        admittedLast10s: [...l.log.values()].filter((t) => t >= since).length,
      }
    },
    async spendChallenge(id, ttlMs) {
      const t = now()
      if ((spent.get(id) ?? 0) > t) return false
      if (spent.size > 100_000) for (const [k, until] of spent) if (until <= t) spent.delete(k)
      spent.set(id, t + ttlMs)
      return true
    },
    activate: async (dropId) => void active.add(dropId),
    deactivate: async (dropId) => void active.delete(dropId),
    active: async () => [...active],
  }
}
