import { randomInt } from 'node:crypto'
import { AppError } from '../errors'
import { BreakerOpenError } from '../lib/breaker'
import type { Logger } from '../logger'
import type { PubSub } from '../lib/pubsub'
import { pollLoop } from '../lib/poll-loop'
import type { Drop, QueuePlace } from '../contract/schemas.gen'
import type { AdmissionTokens } from './token'
import type { Pow } from './pow'
import type { ClosedReason, Entry, QueueStore } from './store'
import { shuffle } from './shuffle'

export interface WaitingRoomOptions {
  store: QueueStore
  /** the drop as it is now (drops' getDrop; a test interposes a read to race an order against the admitter) */
  readDrop(dropId: string): Promise<Drop>
  tokens: AdmissionTokens
  pow: Pow
  pubsub: PubSub
  /** "something happened in this drop's line" (admissions, closing), so every instance updates its streams at once */
  channel: string
  log: Logger
  /** how often each instance runs the admitter (all instances together keep to each drop's rate) */
  tickMs: number
  /** [0, 1); the pre-queue's shuffle. Tests pass a seeded generator. */
  random?: () => number
}

export type WaitingRoom = ReturnType<typeof createWaitingRoom>

type AccessMode = Drop['access']['mode']

const cryptoRandom = () => randomInt(0, 2 ** 47) / 2 ** 47

/**
 * This instance's part of the waiting room: the admitter that lets buyers through at each drop's rate (every
 * instance runs it; the store's shared bucket keeps the total to the rate), what the verbs share (the store
 * behind its 503 guard, places, sealing the pre-queue) and the per-drop access modes the order path asks.
 * The verbs themselves (join, place, stats, the order gate) are functions in service.ts.
 */
export function createWaitingRoom(o: WaitingRoomOptions) {
  const { store, log } = o
  const random = o.random ?? cryptoRandom
  // A drop's access mode is fixed once it is no longer scheduled (only a scheduled drop can be edited), so
  // the order path asks the database at most once per drop and instance.
  const settledMode = new Map<string, AccessMode>()
  const listeners: Array<(dropId: string) => void> = []
  // One database read per drop however many orders arrive at once (the first seconds of a rush).
  const reading = new Map<string, Promise<AccessMode | null>>()
  function modeOf(dropId: string): Promise<AccessMode | null> {
    let p = reading.get(dropId)
    if (!p) {
      p = o.readDrop(dropId).then((drop) => {
        if (drop.status !== 'scheduled') {
          if (settledMode.size > 10_000) settledMode.clear()
          settledMode.set(dropId, drop.access.mode)
        }
        return drop.access.mode
      }, (err) => {
        // An unknown drop is the order path's own 404.
        if (err instanceof AppError && err.status === 404) return null
        throw err
      }).finally(() => reading.delete(dropId))
      reading.set(dropId, p)
    }
    return p
  }

  // The store's failures (Redis away) are the caller's 503, never a 500. The line lives in Redis only: there is
  // no in-process fallback that could admit a buyer twice or reorder the line, so the waiting room fails closed
  // (joins, places, admissions and orders on queued drops) and everybody keeps their place for when Redis is
  // back. With the Redis breaker in front of the store (deps.ts) only the first call waits out Redis's command
  // timeout; every later one fails at once until the breaker's probe finds Redis answering (every 500 ms).
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (err) {
      if (err instanceof AppError) throw err
      if (!(err instanceof BreakerOpenError)) log.warn({ err: (err as Error).message }, 'queue store unavailable')
      throw new AppError('SERVICE_UNAVAILABLE', 'The waiting room\'s store is not answering; every place in line is kept: retry after Retry-After', { headers: { 'retry-after': '1' } })
    }
  }
  // Outcomes of orders that could not be written to the line while the store was away; the admitter retries
  // them (the order itself is in PostgreSQL either way: this only keeps bought/expired and the capacity exact).
  const unsettled = new Map<string, { dropId: string; userId: string; confirmed: boolean }>()

  function placeOf(drop: Drop, userId: string, e: Entry): QueuePlace {
    const place: QueuePlace = { dropId: drop.id, status: e.status, position: null, ahead: null, estimatedWaitSeconds: null, admission: null, closedReason: null }
    if (e.status === 'waiting') {
      place.position = e.ahead + 1
      place.ahead = e.ahead
      place.estimatedWaitSeconds = Math.ceil((e.ahead + 1) / (drop.access.admitPerSecond ?? 1))
    } else if (e.status === 'admitted') {
      place.admission = { token: o.tokens.sign({ dropId: drop.id, userId, expiresAtMs: e.expiresAtMs }), expiresAt: new Date(e.expiresAtMs).toISOString() }
    } else if (e.status === 'closed') {
      place.closedReason = e.reason
    }
    return place
  }

  async function seal(drop: Drop): Promise<void> {
    if (await store.isSealed(drop.id)) return
    const order = shuffle(await store.preQueue(drop.id), random)
    await store.seal(drop.id, Date.parse(drop.startsAt), order)
  }

  async function close(dropId: string, reason: ClosedReason) {
    const told = await store.close(dropId, reason)
    await store.deactivate(dropId)
    if (told.length) log.info({ dropId, reason, told: told.length }, 'queue closed')
    notify(dropId)
  }

  function notify(dropId: string) {
    o.pubsub.publish(o.channel, dropId).catch(() => {})
  }

  /** One admitter pass over every drop with a line: close what is over, seal at the start, admit. */
  async function tick(): Promise<void> {
    for (const [key, u] of unsettled) {
      await store.settle(u.dropId, u.userId, u.confirmed)
      unsettled.delete(key)
    }
    for (const dropId of await store.active()) {
      let drop: Drop
      // Before the stock is read (see AdmitOptions.before): an order settling in between must not make room twice.
      const before = await store.outstanding(dropId)
      try {
        drop = await o.readDrop(dropId)
      } catch (err) {
        if (err instanceof AppError && err.status === 404) await store.deactivate(dropId)
        else log.warn({ err: (err as Error).message, dropId }, 'queue tick: drop unreadable')
        continue
      }
      const ended = drop.status === 'ended' || (drop.endsAt !== null && Date.parse(drop.endsAt) <= Date.now())
      if (drop.status === 'cancelled') await close(dropId, 'cancelled')
      else if (ended) await close(dropId, 'ended')
      else if (drop.status === 'live' && drop.availableStock === 0) await close(dropId, 'sold_out')
      else if (drop.status === 'live' && drop.access.mode === 'queue') {
        await seal(drop)
        const { admitted, expired } = await store.admit(dropId, {
          rate: drop.access.admitPerSecond!, ttlMs: drop.access.admissionTtlSeconds! * 1000, capacity: drop.availableStock, before,
        })
        if (admitted.length || expired.length) notify(dropId)
      }
    }
  }

  const loop = pollLoop({ name: 'queue admitter', tick: async () => (await tick(), 0), batch: 1, idleMs: o.tickMs, log })
  const unsubscribe = o.pubsub.subscribe(o.channel, (dropId) => listeners.forEach((l) => l(dropId)))

  return {
    store,
    tokens: o.tokens,
    pow: o.pow,
    tick,
    start: () => loop.start(),
    async stop() {
      unsubscribe()
      await loop.stop()
    },
    /** Something changed in this drop's line (on any instance). */
    onChange: (l: (dropId: string) => void) => void listeners.push(l),
    placeOf,
    seal,
    guard,
    /** open or queue, read at most once per drop and instance once the drop is no longer scheduled; null: no such drop */
    modeOf: (dropId: string) => settledMode.get(dropId) ?? modeOf(dropId),
    /** The store's entries for these buyers; a store that is away is a 503. */
    entries: (dropId: string, userIds: string[]) => guard(() => store.entries(dropId, userIds)),
    /** The outcome of an order that spent an admission; kept for the admitter to retry while the store is away. */
    async settle(userId: string, dropId: string, confirmed: boolean): Promise<void> {
      await store.settle(dropId, userId, confirmed).catch((err) => {
        if (unsettled.size < 100_000) unsettled.set(`${dropId} ${userId}`, { dropId, userId, confirmed })
        log.warn({ err: (err as Error).message, dropId }, 'queue settle failed; the admitter retries it')
      })
    },
  }
}
