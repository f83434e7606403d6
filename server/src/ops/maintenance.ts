import type { Sql, Tx } from '../db'
import type { Logger } from '../logger'
import { tryMaintenanceLock } from './repo'

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
 * batch runs on one instance at a time (a transaction-scoped advisory lock per batch; an instance that finds it
 * taken ends its pass) and deletes in bounded batches until a batch comes back short: no statement grows with the backlog, so at
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
    for (const sweep of opts.sweeps) {
      for (;;) {
        // Each batch is a transaction holding the lock (ops/repo.ts). Another instance that holds it is
        // sweeping now: this pass ends and leaves the rest to that one.
        const n = await sql.begin(async (tx) => ((await tryMaintenanceLock(tx)) ? sweep.run(tx, sweep.batch) : null))
        if (n === null) return { ran: Object.keys(deleted).length > 0, deleted }
        deleted[sweep.name] = (deleted[sweep.name] ?? 0) + n
        if (n < sweep.batch || stopping) break
        await Bun.sleep(pauseMs)
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) log.info({ deleted }, 'expired rows deleted')
    return { ran: true, deleted }
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
