import type { Sql } from '../db'
import type { Logger } from '../logger'
import type { PubSub } from '../lib/pubsub'
import { pollLoop } from '../lib/poll-loop'
import * as repo from './repo'

export interface RelayOptions {
  sql: Sql
  pubsub: PubSub
  channel: string
  log: Logger
  /** Poll period while the outbox is empty. appendEvent cannot NOTIFY: NOTIFY serialises commits cluster-wide. */
  idleMs?: number
  batch?: number
  retentionSec?: number
}

export type Relay = ReturnType<typeof createRelay>

/**
 * Moves committed outbox rows to pub/sub. Every instance may run it: numbering happens under a transaction-
 * scoped advisory lock (one numberer at a time, dense seqs), and publishing happens after that commit, so a
 * subscriber never sees a seq that could still be rolled back. If the process dies between commit and publish,
 * or Redis refuses the message, nothing is lost: the hubs reconcile against the outbox (hub.ts). Two relays'
 * batches may reach Redis out of order; the hubs' gap filling restores the order.
 */
export function createRelay(opts: RelayOptions) {
  const { sql, log } = opts
  const idleMs = opts.idleMs ?? 25
  const batch = opts.batch ?? 500
  const retentionSec = opts.retentionSec ?? 3600
  let lastPrune = 0
  let publishFailing = false

  // Rows written by transactions older than this are numbered for good (0004_live_resilience.sql): the
  // search starts here, above the dead index entries that an open snapshot elsewhere keeps alive. Each
  // instance keeps its own; it only ever moves up to a snapshot's xmin after seeing nothing left below it.
  let fromXid = '0'

  async function tick(): Promise<number> {
    const probe = await repo.pendingSince(sql, fromXid)
    if (!probe.pending) {
      fromXid = probe.xmin
      return 0
    }
    const { rows, xmin } = await sql.begin(async (tx) => {
      if (!(await repo.tryRelayLock(tx))) return { rows: [], xmin: null }
      // Taken before numbering: whatever finished before this snapshot is visible to the UPDATE's later one.
      const xmin = await repo.snapshotXmin(tx)
      const rows = await repo.numberPending(tx, fromXid, batch)
      // A full batch may have left visible rows behind: then search from the same place next time.
      return { rows, xmin: rows.length < batch ? xmin : null }
    })
    // Only once committed: a numbering that failed must leave the search where it was.
    if (xmin !== null) fromXid = xmin
    if (!rows.length) return 0
    try {
      await opts.pubsub.publish(opts.channel, JSON.stringify(rows))
      if (publishFailing) log.info('live events publish again')
      publishFailing = false
    } catch (err) {
      if (!publishFailing) log.warn({ err: (err as Error).message }, 'live events publish failed; instances will reconcile from the outbox')
      publishFailing = true
    }
    return rows.length
  }

  /**
   * prune() keeps every event a consumer (outbox_cursors) has not read, so a consumer that stopped would make
   * the outbox grow without a word: say so, once a prune period, while it is further behind than the window.
   */
  async function warnOfStuckConsumers() {
    for (const lag of await repo.consumerLag(sql)) {
      if (lag.seconds > retentionSec) {
        log.warn({ consumer: lag.consumer, lagEvents: lag.events, lagSeconds: Math.round(lag.seconds) },
          'outbox consumer is behind the retention window; the outbox keeps its events until it catches up')
      }
    }
  }

  const loop = pollLoop({
    name: 'outbox relay',
    batch,
    idleMs,
    log,
    async tick() {
      const n = await tick()
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now()
        await repo.prune(sql, retentionSec)
        await warnOfStuckConsumers()
      }
      return n
    },
  })

  return {
    /** One pass (tests): numbers and publishes what is committed now. → events published. */
    tick,
    warnOfStuckConsumers,
    start: loop.start,
    stop: loop.stop,
  }
}
