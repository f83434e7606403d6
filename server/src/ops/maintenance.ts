import type { Sql, Tx } from '../db'
import type { Logger } from '../logger'
import { releaseMaintenanceLock, tryMaintenanceLock } from './repo'

/** One kind of expired row: `run` deletes at most `batch` of them and says how many it deleted. */
export interface Sweep {
  name: string
  batch: number
  run(sql: Tx, batch: number): Promise<number>
}

export interface MaintenanceOptions {
  sql: Sql
  log: Logger
  sweeps: Sweep[]
  /** between passes (± 10 %) */
  everyMs?: number
  /** the first pass runs this long after start(), drawn at random: instances booted together do not sweep together */
  firstDelayMs?: [min: number, max: number]
  /** breather between two batches, so a large backlog never monopolises a connection or the disk */
  pauseMs?: number
}

export interface PassResult {
  /** false when another instance held the lock (this pass did nothing) */
  ran: boolean
  deleted: Record<string, number>
}

/**
 * Deletes expired rows (idempotency keys, refresh tokens) soon after boot and then every ten minutes. Each
 * pass runs on one instance at a time (a session advisory lock on a reserved connection; the others skip)
 * and deletes in bounded batches until a batch comes back short: no statement grows with the backlog, so at
 * 1,000 orders/s the sweep keeps up instead of timing out and leaving the table to grow.
 */
export function createMaintenance(opts: MaintenanceOptions) {
  const { sql, log } = opts
  const everyMs = opts.everyMs ?? 10 * 60_000
  const [minFirst, maxFirst] = opts.firstDelayMs ?? [5_000, 60_000]
  const pauseMs = opts.pauseMs ?? 50
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = true
  // Set by stop() only: a pass in progress ends after its current batch.
  let stopping = false
  let running: Promise<unknown> = Promise.resolve()

  async function pass(): Promise<PassResult> {
    const deleted: Record<string, number> = {}
    const conn = await sql.reserve()
    try {
      if (!(await tryMaintenanceLock(conn))) return { ran: false, deleted }
      try {
        for (const sweep of opts.sweeps) {
          deleted[sweep.name] = 0
          for (;;) {
            const n = await sweep.run(conn, sweep.batch)
            deleted[sweep.name] += n
            if (n < sweep.batch || stopping) break
            await Bun.sleep(pauseMs)
          }
        }
      } finally {
        await releaseMaintenanceLock(conn)
      }
      if (Object.values(deleted).some((n) => n > 0)) log.info({ deleted }, 'expired rows deleted')
      return { ran: true, deleted }
    } finally {
      conn.release()
    }
  }

  const schedule = (ms: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      running = pass()
        .catch((err) => log.warn({ err: (err as Error).message }, 'maintenance pass failed'))
        .finally(() => schedule(everyMs * (0.9 + Math.random() * 0.2)))
    }, ms)
    timer.unref?.()
  }

  return {
    /** One pass now (tests, or an operator). */
    pass,
    start() {
      if (!stopped) return
      stopped = stopping = false
      schedule(minFirst + Math.random() * (maxFirst - minFirst))
    },
    async stop() {
      stopped = stopping = true
      clearTimeout(timer)
      await running
    },
  }
}

export type Maintenance = ReturnType<typeof createMaintenance>
