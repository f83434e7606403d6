import type { Sql } from '../db'
import type { PubSub } from '../lib/pubsub'
import { createBatchPlacer, type OutcomeListener } from './batch'
import { createSoldOutBook, type SoldOutBook } from './sold-out'

/** This instance's order machinery, built once (deps.ts): the per-drop combiner and the sold-out book. */
export interface Ordering {
  batch: ReturnType<typeof createBatchPlacer>
  soldOut: SoldOutBook
  close(): void
}

export function createOrdering(o: {
  sql: Sql
  pubsub: PubSub
  /** channel for "stock came back" messages between instances (see sold-out.ts) */
  restockChannel: string
  maxBatch: number
  batchWindowMs: number
  /** each decided order request of the batched path (metrics, cache) */
  outcome: OutcomeListener
}): Ordering {
  const soldOut = createSoldOutBook({ pubsub: o.pubsub, channel: o.restockChannel })
  const batch = createBatchPlacer({ sql: o.sql, soldOut, maxBatch: o.maxBatch, windowMs: o.batchWindowMs, outcome: o.outcome })
  return { batch, soldOut, close: () => soldOut.close() }
}
