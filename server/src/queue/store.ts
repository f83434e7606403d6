/**
 * The line of one drop, as the waiting room needs it. Two implementations behave the same: Redis
 * (redis-store.ts: every step one Lua script, so any number of instances share the line and a restart loses
 * nobody's place) and an in-process stand-in for the zero set-up mode (memory-store.ts).
 */
import type { QueueClosedReason } from '../contract/schemas.gen'

export type ClosedReason = QueueClosedReason

export type Entry =
  | { status: 'pre_queue' }
  | { status: 'waiting'; ahead: number }
  | { status: 'admitted'; expiresAtMs: number }
  | { status: 'bought' }
  | { status: 'expired' }
  | { status: 'closed'; reason: ClosedReason }

export interface AdmitOptions {
  /** buyers per second over all instances */
  rate: number
  ttlMs: number
  /** units left: buyers admitted and not yet done never outnumber them */
  capacity: number
  /**
   * The admissions outstanding when the admitter read `capacity`, taken *before* that read (`outstanding()`):
   * a buyer whose order lands between the two reads is then counted twice (safe), never not at all. Without it
   * the store's own count is used, which an order settled after the stock read makes too small: admissions
   * would outnumber the stock.
   */
  before?: { count: number; atMs: number }
}

export interface QueueStats {
  waiting: number
  admitted: number
  bought: number
  expired: number
  admittedLast10s: number
}

export interface QueueStore {
  kind: 'redis' | 'memory'
  /**
   * Puts the buyer in line once (an existing entry is returned as it is). Before `startsAtMs` the buyer joins
   * the pre-queue; after it, the back of the line — once the pre-queue is sealed ('needs_seal' until then).
   * `rejoin`: a buyer told `sold_out` may take a new place at the back (stock came back).
   */
  join(dropId: string, userId: string, startsAtMs: number, rejoin: boolean): Promise<Entry | 'needs_seal'>
  isSealed(dropId: string): Promise<boolean>
  preQueue(dropId: string): Promise<string[]>
  /** Orders the pre-queue as given (joiners missing from `order` follow); false when already sealed or too early. */
  seal(dropId: string, startsAtMs: number, order: string[]): Promise<boolean>
  /** Admissions not yet done (admitted, neither bought nor expired), and the store's clock, read together. */
  outstanding(dropId: string): Promise<{ count: number; atMs: number }>
  /** Expires late admissions, then admits the next buyers the shared rate and the capacity allow. */
  admit(dropId: string, opts: AdmitOptions): Promise<{ admitted: Array<{ userId: string; expiresAtMs: number }>; expired: string[] }>
  /** Empties the line; every buyer still waiting (or admitted and not done) is closed with `reason`. → them */
  close(dropId: string, reason: ClosedReason): Promise<string[]>
  entries(dropId: string, userIds: string[]): Promise<Array<Entry | null>>
  /**
   * Spends the buyer's admission for the order with `idempotencyKey`: 'fresh' the first time, 'same' for a
   * retry of that order, 'other' when another order spent it.
   */
  consume(dropId: string, userId: string, idempotencyKey: string): Promise<'fresh' | 'same' | 'other'>
  /** The Idempotency-Key of the order that spent the buyer's admission, if one did. */
  spentBy(dropId: string, userId: string): Promise<string | null>
  /** The order that spent the admission was confirmed (true) or refused. */
  settle(dropId: string, userId: string, confirmed: boolean): Promise<void>
  stats(dropId: string): Promise<QueueStats>
  /** Marks a proof-of-work challenge (by its id) used: true the first time, false ever after (until `ttlMs`). */
  spendChallenge(id: string, ttlMs: number): Promise<boolean>
  /** Drops with a line to look after (admissions, closing). */
  activate(dropId: string): Promise<void>
  deactivate(dropId: string): Promise<void>
  active(): Promise<string[]>
}
