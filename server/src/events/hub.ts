import type { Sql } from '../db'
import { EVENT_TYPES } from '../contract/vocabulary.gen'
import type { Logger } from '../logger'
import type { PubSub } from '../lib/pubsub'
import { encodeFrame, type SseWriter } from '../lib/sse'
import * as repo from './repo'
import type { EventRow } from './repo'
import type { StreamClosedData } from '../contract/schemas.gen'
import { createInterests } from './interests'
import { createCreatorDrops } from './creator-drops'

/** A drop's public stream, a user's personal stream, or a creator's webhook event stream. */
export type StreamKind = 'drop' | 'user' | 'creator'

/** A stream's view of the hub: it receives pre-encoded frames, at most once per seq and in increasing order. */
export interface Subscriber {
  readonly key: string
  readonly kind: StreamKind
  /** The log-in session a personal stream was opened for: its revocation closes the stream. */
  readonly sessionId: string | null
  /** The highest seq written to the client; anything not above it is a duplicate and dropped. */
  lastSent: number
  writer: SseWriter
  /** Live frames that arrive while the stream is still sending its opening state or replay. */
  pending: Array<{ seq: number; frame: Uint8Array; close?: boolean }> | null
  /** A personal stream: resolves once the user's interests are loaded (the opening waits for it). */
  ready?: Promise<void>
}

/** Why the server ends a personal stream (`stream.closed`'s `reason` in the contract). */
export type StreamClosedReason = StreamClosedData['reason']

export interface HubOptions {
  sql: Sql
  pubsub: PubSub
  log: Logger
  /** At most one drop.stock per drop per this many ms (4 a second by default). */
  stockIntervalMs?: number
  /** How often the instance compares what it received with the outbox head (lost pub/sub messages). */
  reconcileMs?: number
  heartbeatMs?: number
  onConnections?: (kind: StreamKind, delta: number) => void
}

export type Hub = ReturnType<typeof createHub>

// From the contract: what a drop stream carries (less its control frames), and the order events of a personal stream.
const DROP_TYPES = new Set<string>(EVENT_TYPES.DropStreamEvent.filter((t) => t.startsWith('drop.')))
const ORDER_TYPES = new Set<string>(EVENT_TYPES.MeStreamEvent.filter((t) => t.startsWith('order.')))

export const wirePayload = (e: Pick<EventRow, 'type' | 'dropId' | 'data' | 'createdAt'>) => ({
  type: e.type,
  ...(e.dropId ? { dropId: e.dropId } : {}),
  data: e.data,
  createdAt: new Date(e.createdAt).toISOString(),
})

export const frameOf = (e: EventRow) => encodeFrame(e.seq, e.type, wirePayload(e))

const WEBHOOK_TYPES = new Set(repo.WEBHOOK_EVENT_TYPES)

/**
 * A creator stream's frame: the very body a webhook delivery of the event carries (webhooks/repo.ts fanOut
 * builds the same object in SQL): same id, type, creator and payload, so `livedrop listen` forwards what an
 * endpoint would receive.
 */
export const webhookFrameOf = (e: EventRow, creatorId: string) => encodeFrame(e.seq, e.type, {
  id: `evt_${e.seq}`,
  type: e.type,
  createdAt: new Date(e.createdAt).toISOString(),
  creatorId,
  dropId: e.dropId,
  data: e.data,
})

/**
 * The last frame of a stream the server ends for a reason the client must act on. No `id:` — it is not an event
 * of the outbox, and a client resuming later must resume after the last real one.
 */
export const closedFrame = (reason: StreamClosedReason, at: Date | string = new Date()) =>
  encodeFrame(null, 'stream.closed', { type: 'stream.closed', data: { reason }, createdAt: new Date(at).toISOString() })

export function stockFrame(seq: number, dropId: string, availableStock: number, createdAt: Date | string) {
  return encodeFrame(seq, 'drop.stock', { type: 'drop.stock', dropId, data: { availableStock }, createdAt: new Date(createdAt).toISOString() })
}

/**
 * One per instance: receives the relay's batches from pub/sub and routes each event to this instance's open
 * streams. Three guarantees, and why they hold:
 *  - In order, no gaps: seqs are dense (repo.numberPending). Events are handled one at a time through a promise
 *    chain; an event whose seq is beyond lastSeen + 1 first pulls the missing range from the outbox. Batches
 *    of two relays can reach Redis out of order; the later one fills the gap, the earlier one is then a duplicate.
 *  - Nothing lost: pub/sub is at-most-once (a Redis restart, a subscriber reconnecting). Every reconcileMs the
 *    hub compares lastSeen with the outbox head seen one period earlier and fills whatever did not arrive.
 *  - Fan-out is in memory: one drop.live message reaches every local follower's stream, never one message
 *    per follower; who follows whom among the connected users is known in memory too (interests.ts), so
 *    delivering an event never waits for a query.
 */
export function createHub(opts: HubOptions) {
  const { sql, log } = opts
  const stockIntervalMs = opts.stockIntervalMs ?? 250
  const reconcileMs = opts.reconcileMs ?? 1000
  const heartbeatMs = opts.heartbeatMs ?? 15_000
  const byKey = new Map<string, Set<Subscriber>>()
  const interests = createInterests(sql)
  const creatorDrops = createCreatorDrops(sql)
  const creatorSubs = new Set<Subscriber>()
  let count = 0
  let lastSeen = 0
  let headBefore = 0
  let chain: Promise<void> = Promise.resolve()
  let started = false
  let unsubscribe: (() => void) | null = null
  const timers: Array<ReturnType<typeof setInterval>> = []

  // drop.stock coalescing: the newest stock per drop waits until its drop's interval is over.
  const stock = new Map<string, { seq: number; availableStock: number; createdAt: Date; timer: ReturnType<typeof setTimeout> | null }>()
  const lastStockAt = new Map<string, number>()

  const enqueue = (task: () => Promise<void> | void) => {
    chain = chain.then(task).catch((err) => log.error({ err }, 'live event dispatch failed'))
    return chain
  }

  /** `close`: the frame is the stream's last (it ends in the same order as the events before it). */
  function sendTo(sub: Subscriber, seq: number, frame: Uint8Array, close = false) {
    if (sub.pending) {
      sub.pending.push({ seq, frame, close })
      return
    }
    if (seq <= sub.lastSent) return
    sub.lastSent = seq
    sub.writer.write(frame)
    if (close) sub.writer.close()
  }

  function toKey(key: string, seq: number, frame: Uint8Array) {
    const set = byKey.get(key)
    if (!set) return
    for (const sub of set) sendTo(sub, seq, frame)
  }

  function flushStock(dropId: string) {
    const s = stock.get(dropId)
    if (!s) return
    stock.delete(dropId)
    if (s.timer) clearTimeout(s.timer)
    lastStockAt.set(dropId, Date.now())
    toKey(`drop:${dropId}`, s.seq, stockFrame(s.seq, dropId, s.availableStock, s.createdAt))
  }

  function stockChanged(e: EventRow) {
    const dropId = e.dropId!
    const availableStock = e.data.availableStock
    if (typeof availableStock !== 'number' || !byKey.has(`drop:${dropId}`)) return
    const prev = stock.get(dropId)
    if (prev) {
      prev.seq = e.seq
      prev.availableStock = availableStock
      prev.createdAt = e.createdAt
      return
    }
    const wait = (lastStockAt.get(dropId) ?? 0) + stockIntervalMs - Date.now()
    const entry = { seq: e.seq, availableStock, createdAt: e.createdAt, timer: null as ReturnType<typeof setTimeout> | null }
    stock.set(dropId, entry)
    if (wait <= 0) flushStock(dropId)
    else entry.timer = setTimeout(() => flushStock(dropId), wait)
  }

  /** The creator's webhook event stream gets the event as its webhooks would (drop events name the creator; orders do not). */
  function toCreator(e: EventRow) {
    if (!e.dropId || !WEBHOOK_TYPES.has(e.type)) return
    if (e.creatorId) creatorDrops.dropSeen(e.dropId, e.creatorId)
    const creatorId = e.creatorId ?? creatorDrops.creatorOf(e.dropId)
    if (creatorId && byKey.has(`creator:${creatorId}`)) toKey(`creator:${creatorId}`, e.seq, webhookFrameOf(e, creatorId))
  }

  function deliver(e: EventRow) {
    if (e.type === 'session.revoked') {
      // Only the streams of that session: the same user's other log-ins (another device) stay open. Creator
      // streams are keyed by creator, not user; they are few (creators building against their events), so they
      // are all looked at.
      const frame = closedFrame(e.data.reason === 'logged_out' ? 'logged_out' : 'session_revoked', e.createdAt)
      for (const sub of [...(byKey.get(`user:${e.userId}`) ?? []), ...creatorSubs]) {
        if (sub.sessionId !== null && sub.sessionId === e.data.sessionId) sendTo(sub, e.seq, frame, true)
      }
      return
    }
    toCreator(e)
    if (e.type === 'follow.changed') {
      if (e.userId && e.creatorId) interests.followChanged(e.userId, e.creatorId, e.data.following === true)
      return
    }
    if (ORDER_TYPES.has(e.type)) {
      if (e.userId) {
        toKey(`user:${e.userId}`, e.seq, frameOf(e))
        if (e.dropId) interests.orderChanged(e.userId, e.dropId, e.type === 'order.confirmed')
      }
      if (e.dropId) stockChanged(e)
      return
    }
    if (!DROP_TYPES.has(e.type) || !e.dropId) return
    // A coalesced stock update older than this event goes out first, so that seqs stay increasing per stream.
    flushStock(e.dropId)
    const frame = frameOf(e)
    toKey(`drop:${e.dropId}`, e.seq, frame)
    if (e.type === 'drop.live' && e.creatorId) for (const id of interests.followersOf(e.creatorId)) toKey(`user:${id}`, e.seq, frame)
    else if (e.type === 'drop.sold_out') for (const id of interests.buyersOf(e.dropId)) toKey(`user:${id}`, e.seq, frame)
    else if (e.type === 'drop.ended' || e.type === 'drop.cancelled') interests.dropClosed(e.dropId)
  }

  async function fill(from: number, to: number) {
    while (from < to) {
      const rows = await repo.eventsBetween(sql, from, to, 1000)
      if (!rows.length) break
      for (const r of rows) deliver(r)
      from = rows[rows.length - 1].seq
      lastSeen = Math.max(lastSeen, from)
    }
    lastSeen = Math.max(lastSeen, to)
  }

  async function ingest(events: EventRow[]) {
    for (const e of events) {
      if (e.seq <= lastSeen) continue
      if (e.seq > lastSeen + 1) await fill(lastSeen, e.seq - 1)
      deliver(e)
      lastSeen = e.seq
    }
  }

  /** Closes every stream; `last` is written to each first (e.g. its own reconnection hint). */
  function closeAll(last?: () => Uint8Array) {
    for (const set of [...byKey.values()]) {
      for (const sub of [...set]) {
        if (last) sub.writer.write(last())
        sub.writer.close()
      }
    }
  }

  async function reconcile() {
    const head = await repo.headSeq(sql)
    // Only what was numbered a whole period ago and has still not arrived: newer events are likely in flight.
    if (headBefore > lastSeen) {
      const to = headBefore
      await enqueue(() => fill(lastSeen, to))
    }
    headBefore = head
  }

  return {
    async start(channel: string) {
      if (started) return
      started = true
      lastSeen = headBefore = await repo.headSeq(sql)
      unsubscribe = opts.pubsub.subscribe(channel, (message) => {
        let events: EventRow[]
        try {
          events = JSON.parse(message) as EventRow[]
        } catch {
          return
        }
        void enqueue(() => ingest(events))
      })
      timers.push(setInterval(() => void reconcile().catch((err) => log.warn({ err: (err as Error).message }, 'live reconcile failed')), reconcileMs))
      timers.push(setInterval(() => {
        for (const set of byKey.values()) for (const sub of set) sub.writer.ping()
        const old = Date.now() - 10 * stockIntervalMs
        for (const [dropId, at] of lastStockAt) if (at < old) lastStockAt.delete(dropId)
      }, heartbeatMs))
    },
    async stop() {
      started = false
      unsubscribe?.()
      unsubscribe = null
      for (const t of timers.splice(0)) clearInterval(t)
      for (const s of stock.values()) if (s.timer) clearTimeout(s.timer)
      stock.clear()
      closeAll()
      await chain
    },
    closeAll,
    /** Registers a stream; it buffers live frames until `release` (after its opening state or replay). */
    add(kind: StreamKind, id: string, writer: SseWriter, sessionId: string | null = null): Subscriber {
      const sub: Subscriber = { key: `${kind}:${id}`, kind, sessionId, lastSent: -1, writer, pending: [] }
      if (kind === 'user') sub.ready = interests.watch(id)
      if (kind === 'creator') {
        sub.ready = creatorDrops.watch(id)
        creatorSubs.add(sub)
      }
      let set = byKey.get(sub.key)
      if (!set) byKey.set(sub.key, (set = new Set()))
      set.add(sub)
      count++
      opts.onConnections?.(kind, 1)
      return sub
    },
    remove(sub: Subscriber) {
      const set = byKey.get(sub.key)
      if (!set?.delete(sub)) return
      if (!set.size) byKey.delete(sub.key)
      if (sub.kind === 'user') interests.unwatch(sub.key.slice(5))
      if (sub.kind === 'creator') {
        creatorDrops.unwatch(sub.key.slice(8))
        creatorSubs.delete(sub)
      }
      count--
      opts.onConnections?.(sub.kind, -1)
    },
    /** Writes the frames buffered during the opening, skipping what the opening already covered. */
    release(sub: Subscriber) {
      const buffered = sub.pending ?? []
      sub.pending = null
      buffered.sort((a, b) => a.seq - b.seq)
      for (const b of buffered) sendTo(sub, b.seq, b.frame, b.close)
    },
    /** Ends a stream with `stream.closed` (its token expired): the client knows why and what to do. */
    end(sub: Subscriber, reason: StreamClosedReason) {
      sub.writer.write(closedFrame(reason))
      sub.writer.close()
    },
    /** Open streams on this instance (what "subscription count" means in the tests and the metrics). */
    subscriptions: () => count,
    /** Distinct stream keys with at least one subscriber; 0 once every stream is gone (no leaked entries). */
    keys: () => byKey.size,
    /** Users whose interests are held in memory (0 once every personal stream is gone). */
    watchedUsers: () => interests.size(),
    /** Creators whose drops are held in memory (0 once every creator stream is gone). */
    watchedCreators: () => creatorDrops.size(),
    lastSeen: () => lastSeen,
  }
}
