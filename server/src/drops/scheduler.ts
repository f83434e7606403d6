import type { Sql } from '../db'
import type { Logger } from '../logger'
import { appendEvent } from '../platform/outbox'
import * as repo from './repo'
import { toDrop } from './service'

/** Upper bound on a sleep, in case a wake-up NOTIFY was missed (listener reconnecting). */
const MAX_SLEEP_MS = 5000
/** Without LISTEN (a transaction pooler and no direct connection) a drop created to start soon waits at most this. */
const POLL_MS = 1000
const MAINTENANCE_EVERY_MS = 10 * 60 * 1000

export interface Scheduler {
  start(): Promise<void>
  stop(): Promise<void>
  /** Runs one pass now (tests, and NOTIFY wake-ups). */
  tick(): Promise<void>
}

/**
 * Moves drops scheduled → live at startsAt and live → ended at endsAt. It sleeps until the next due time
 * (read from the database's clock) and is woken early by NOTIFY livedrop_schedule whenever a drop is
 * created or rescheduled on any instance. Correctness does not depend on it running alone: the transition
 * is a conditional UPDATE, so any number of instances can race and each drop still moves once.
 */
export function createScheduler(deps: {
  sql: Sql
  log: Logger
  actor: string
  onTransition?: (drops: repo.DropRow[], to: 'live' | 'ended') => void
  maintenance?: () => Promise<void>
  /** How long until the next start or end (tests wrap it to widen the window a wake-up can fall into). */
  nextDue?: (sql: Sql) => Promise<number | null>
  /**
   * Where to LISTEN for wake-ups (default: `sql`). null: nowhere — behind a transaction pooler a LISTEN lands
   * on a server connection that goes back to the pool, so notifications would silently never come; the
   * scheduler then polls every second instead.
   */
  listenOn?: Sql | null
}): Scheduler {
  const nextDue = deps.nextDue ?? repo.msUntilNextDue
  const { sql, log } = deps
  const listenOn = deps.listenOn === undefined ? sql : deps.listenOn
  const maxSleepMs = listenOn ? MAX_SLEEP_MS : POLL_MS
  let timer: ReturnType<typeof setTimeout> | undefined
  let maintenanceTimer: ReturnType<typeof setInterval> | undefined
  let unlisten: (() => Promise<void>) | undefined
  let stopped = true
  let running: Promise<void> | null = null
  let again = false

  function sleep(ms: number | null) {
    if (stopped) return
    clearTimeout(timer)
    // +2 ms: a timer may fire a hair early; waking before the due instant only costs one more query.
    const delay = ms === null ? maxSleepMs : Math.min(Math.max(ms + 2, 0), maxSleepMs)
    timer = setTimeout(() => void tick(), delay)
  }

  async function pass() {
    for (const to of ['live', 'ended'] as const) {
      const moved = await sql.begin(async (tx) => {
        const rows = await repo.transitionDue(tx, to, deps.actor)
        for (const r of rows) {
          await appendEvent(tx, { type: to === 'live' ? 'drop.live' : 'drop.ended', dropId: r.id, creatorId: r.creatorId, data: toDrop(r) })
        }
        return rows
      })
      if (moved.length) {
        log.info({ to, drops: moved.length, lateMs: moved.map((r) => Date.now() - r.dueAt.getTime()) }, 'drops transitioned')
        deps.onTransition?.(moved, to)
      }
    }
  }

  async function tick(): Promise<void> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      try {
        // A wake-up (NOTIFY) that arrives while this runs only sets `again`; so the next due time is read
        // inside the loop too: one read before a drop created meanwhile would sleep past its start.
        let next: number | null
        do {
          again = false
          await pass()
          next = await nextDue(sql)
        } while (again)
        sleep(next)
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'scheduler pass failed; retrying')
        sleep(250)
      } finally {
        running = null
      }
    })()
    return running
  }

  return {
    tick,
    async start() {
      stopped = false
      if (!listenOn) {
        log.warn(`scheduler: no LISTEN through a transaction pooler (set DATABASE_DIRECT_URL to a direct connection); polling every ${POLL_MS / 1000} s instead`)
      } else {
        try {
          const sub = await listenOn.listen('livedrop_schedule', () => void tick(), () => void tick())
          unlisten = sub.unlisten
        } catch (err) {
          log.warn({ err: (err as Error).message }, `scheduler could not LISTEN; polling every ${MAX_SLEEP_MS / 1000} s instead`)
        }
      }
      if (deps.maintenance) {
        maintenanceTimer = setInterval(() => void deps.maintenance!().catch((err) => log.warn({ err: err.message }, 'maintenance failed')), MAINTENANCE_EVERY_MS)
        maintenanceTimer.unref?.()
      }
      await tick()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      clearInterval(maintenanceTimer)
      await running
      await unlisten?.().catch(() => {})
    },
  }
}
