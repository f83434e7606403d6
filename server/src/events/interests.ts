import type { Sql } from '../db'
import * as repo from './repo'

export type Interests = ReturnType<typeof createInterests>

/**
 * What the users with a personal stream on this instance care about, in memory: the creators they follow
 * (their drop.live) and the live drops they hold confirmed orders of (their drop.sold_out). The hub asks it
 * who gets an event instead of querying Postgres with every connected user id per event, which put one
 * query per drop.live on the delivery path of every event behind it.
 *
 * Loaded once per user when their first stream opens (one query), then kept current by the events the hub
 * routes anyway, in seq order: follow.changed (follows/service.ts writes it with the follow), order.confirmed,
 * order.cancelled. Changes that arrive while the load runs are applied after it, on top: the last change of
 * a pair wins, as it did in the table. (Events routed during the load are all covered by the stream's
 * opening, which reads the head seq only after the load: see service.ts.) An order counted by both the load and its event (committed before
 * the load, numbered after it) only makes its buyer a recipient for longer: never one too few.
 */
export function createInterests(sql: Sql) {
  interface Entry {
    streams: number
    follows: Set<string>
    orders: Map<string, number>
    /** Changes seen while loading, replayed on top of the loaded state; null once loaded. */
    early: Array<() => void> | null
    loaded: Promise<void>
  }
  const users = new Map<string, Entry>()
  const followers = new Map<string, Set<string>>()
  const buyers = new Map<string, Set<string>>()

  const addTo = (index: Map<string, Set<string>>, key: string, userId: string) => {
    let set = index.get(key)
    if (!set) index.set(key, (set = new Set()))
    set.add(userId)
  }
  const removeFrom = (index: Map<string, Set<string>>, key: string, userId: string) => {
    const set = index.get(key)
    if (set?.delete(userId) && !set.size) index.delete(key)
  }

  function setFollow(userId: string, e: Entry, creatorId: string, following: boolean) {
    if (following) {
      e.follows.add(creatorId)
      addTo(followers, creatorId, userId)
    } else {
      e.follows.delete(creatorId)
      removeFrom(followers, creatorId, userId)
    }
  }

  function addOrders(userId: string, e: Entry, dropId: string, delta: number) {
    const n = (e.orders.get(dropId) ?? 0) + delta
    if (n > 0) {
      e.orders.set(dropId, n)
      addTo(buyers, dropId, userId)
    } else {
      e.orders.delete(dropId)
      removeFrom(buyers, dropId, userId)
    }
  }

  /** Applies a change; one that arrives during the load waits for it and goes on top. */
  function change(userId: string, apply: (e: Entry) => void) {
    const e = users.get(userId)
    if (!e) return
    if (e.early) e.early.push(() => apply(e))
    else apply(e)
  }

  return {
    /** A stream of the user opened: → resolves once their interests are known (the stream waits for it). */
    watch(userId: string): Promise<void> {
      const known = users.get(userId)
      if (known) {
        known.streams++
        return known.loaded
      }
      const e: Entry = { streams: 1, follows: new Set(), orders: new Map(), early: [], loaded: Promise.resolve() }
      users.set(userId, e)
      e.loaded = repo.interestsOf(sql, userId).then((rows) => {
        if (users.get(userId) !== e) return
        for (const r of rows) {
          if (r.kind === 'follow') setFollow(userId, e, r.id, true)
          else addOrders(userId, e, r.id, r.n)
        }
        for (const again of e.early ?? []) again()
        e.early = null
      })
      return e.loaded
    },
    /** A stream of the user closed: the last one takes their interests with it. */
    unwatch(userId: string) {
      const e = users.get(userId)
      if (!e || --e.streams > 0) return
      users.delete(userId)
      for (const c of e.follows) removeFrom(followers, c, userId)
      for (const d of e.orders.keys()) removeFrom(buyers, d, userId)
    },
    followChanged(userId: string, creatorId: string, following: boolean) {
      change(userId, (e) => setFollow(userId, e, creatorId, following))
    },
    orderChanged(userId: string, dropId: string, confirmed: boolean) {
      change(userId, (e) => addOrders(userId, e, dropId, confirmed ? 1 : -1))
    },
    /** The drop ended or was cancelled: nothing more to tell its buyers as buyers. */
    dropClosed(dropId: string) {
      for (const userId of buyers.get(dropId) ?? []) users.get(userId)?.orders.delete(dropId)
      buyers.delete(dropId)
    },
    followersOf: (creatorId: string): Iterable<string> => followers.get(creatorId) ?? [],
    buyersOf: (dropId: string): Iterable<string> => buyers.get(dropId) ?? [],
    /** Users tracked (0 once every personal stream is gone). */
    size: () => users.size,
  }
}
