import type { Sql } from '../db'
import * as repo from './repo'

export type CreatorDrops = ReturnType<typeof createCreatorDrops>

/**
 * Which creator each drop belongs to, for the creators with a webhook event stream on this instance, in memory.
 * Order events name the buyer, not the creator (the order statement writes no creator), so the hub needs this
 * to route them; asking Postgres per event would put a query on the delivery path of every event behind it.
 *
 * Loaded once per creator when their first stream opens (one query: their drop ids), then kept current by the
 * drop events the hub routes anyway: every drop event carries its creator. A drop's creator never changes, so
 * what the load and the events say can only agree, and a drop learnt during the load is simply kept (a union,
 * no ordering to respect). A drop created after the load is learnt from its drop.live, which is numbered before
 * any order of it (an order needs the drop live, committed); one that went live before the stream's head is
 * covered by the opening's replay, which reads the outbox, not this.
 */
export function createCreatorDrops(sql: Sql) {
  interface Entry {
    streams: number
    drops: Set<string>
    loaded: Promise<void>
  }
  const creators = new Map<string, Entry>()
  const creatorOfDrop = new Map<string, string>()

  function learn(e: Entry, creatorId: string, dropId: string) {
    e.drops.add(dropId)
    creatorOfDrop.set(dropId, creatorId)
  }

  return {
    /** A stream of the creator opened: → resolves once their drops are known (the stream waits for it). */
    watch(creatorId: string): Promise<void> {
      const known = creators.get(creatorId)
      if (known) {
        known.streams++
        return known.loaded
      }
      const e: Entry = { streams: 1, drops: new Set(), loaded: Promise.resolve() }
      creators.set(creatorId, e)
      e.loaded = repo.dropIdsOf(sql, creatorId).then((ids) => {
        if (creators.get(creatorId) !== e) return
        for (const id of ids) learn(e, creatorId, id)
      })
      return e.loaded
    },
    /** A stream of the creator closed: the last one takes their drops with it. */
    unwatch(creatorId: string) {
      const e = creators.get(creatorId)
      if (!e || --e.streams > 0) return
      creators.delete(creatorId)
      for (const d of e.drops) creatorOfDrop.delete(d)
    },
    /** A drop event (they all carry the creator): remember the drop when its creator is watched here. */
    dropSeen(dropId: string, creatorId: string) {
      const e = creators.get(creatorId)
      if (e) learn(e, creatorId, dropId)
    },
    /** The watched creator of the drop, or undefined (nobody here streams that creator's events). */
    creatorOf: (dropId: string): string | undefined => creatorOfDrop.get(dropId),
    /** Creators tracked (0 once every creator stream is gone). */
    size: () => creators.size,
  }
}
