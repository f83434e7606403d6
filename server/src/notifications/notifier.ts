import type { Sql } from '../db'
import type { Logger } from '../logger'
import { pollLoop } from '../lib/poll-loop'
import * as repo from './repo'

export type Notifier = ReturnType<typeof createNotifier>

/**
 * Writes stored notifications for numbered outbox events, in the background (never on the request path and
 * never in the relay's path, so a 100,000-follower drop.live does not delay live delivery). Exactly once: the
 * 'notified' cursor row is locked (`for update skip locked`: other instances skip instead of waiting) and
 * advanced in the same transaction as the inserts; the (user_id, event_seq) key makes even a replay harmless.
 */
export function createNotifier(opts: { sql: Sql; log: Logger; idleMs?: number; batch?: number }) {
  const { sql, log } = opts
  const idleMs = opts.idleMs ?? 100
  const batch = opts.batch ?? 1000

  async function tick(): Promise<number> {
    return sql.begin(async (tx) => {
      // One statement may insert a notification per follower of a celebrity: give it more than the API's 5 s.
      await tx`set local statement_timeout = '120s'`
      const cursor = await repo.lockNotifiedCursor(tx)
      if (cursor === null) return 0
      const events = await repo.nextNotifiableEvents(tx, cursor, batch)
      if (!events.length) return 0
      const last = events[events.length - 1].seq
      // Each buyer's own events of the whole range at once; fan-outs (few, but up to 100,000 rows each) one by one.
      await repo.notifyOrderEvents(tx, cursor, last)
      for (const e of events) {
        if (e.type === 'drop.live' && e.creatorId) await repo.notifyFollowers(tx, e)
        else if (e.type === 'drop.sold_out' && e.dropId) await repo.notifyBuyers(tx, e)
      }
      await repo.setNotifiedCursor(tx, last)
      return events.length
    })
  }

  const loop = pollLoop({ name: 'notifier', tick, batch, idleMs, log })

  return {
    tick,
    start: loop.start,
    stop: loop.stop,
  }
}
