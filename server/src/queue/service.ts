import { randomInt } from 'node:crypto'
import { AppError, notFound } from '../errors'
import { BreakerOpenError } from '../lib/breaker'
import type { Logger } from '../logger'
import type { PubSub } from '../lib/pubsub'
import { pollLoop } from '../lib/poll-loop'
import type { Drop, QueuePlace, QueueStats as QueueStatsBody } from '../contract/schemas.gen'
import type { DropsService } from '../drops/service'
import type { CreatorsService } from '../creators/service'
import type { AdmissionTokens } from './token'
import type { Pow } from './pow'
import type { ClosedReason, Entry, QueueStore } from './store'
import { shuffle } from './shuffle'

export interface QueueOptions {
  store: QueueStore
  drops: Pick<DropsService, 'get'>
  creators: Pick<CreatorsService, 'findByUser'>
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

export type QueueService = ReturnType<typeof createQueueService>

const cryptoRandom = () => randomInt(0, 2 ** 47) / 2 ** 47

/**
 * The waiting room: joining, the caller's place, the owner's figures, the admitter that lets buyers through
 * at the drop's rate (every instance runs it; the store's shared bucket keeps the total to the rate), and the
 * gate `POST /v1/orders` asks before placing an order on a queued drop.
 */
export function createQueueService(o: QueueOptions) {
  const { store, log } = o
  const random = o.random ?? cryptoRandom
  // A drop's access mode is fixed once it is no longer scheduled (only a scheduled drop can be edited), so
  // the order path asks the database at most once per drop and instance.
  const settledMode = new Map<string, 'open' | 'queue'>()
  const listeners: Array<(dropId: string) => void> = []
  // One database read per drop however many orders arrive at once (the first seconds of a rush).
  const reading = new Map<string, Promise<'open' | 'queue' | null>>()
  function modeOf(dropId: string): Promise<'open' | 'queue' | null> {
    let p = reading.get(dropId)
    if (!p) {
      p = o.drops.get(dropId).then((drop) => {
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

  async function queuedDrop(dropId: string): Promise<Drop> {
    const drop = await o.drops.get(dropId)
    if (drop.access.mode !== 'queue') throw new AppError('QUEUE_NOT_ENABLED', 'This drop has no waiting room; order directly')
    return drop
  }

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
        drop = await o.drops.get(dropId)
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
    tick,
    start: () => loop.start(),
    async stop() {
      unsubscribe()
      await loop.stop()
    },
    /** Something changed in this drop's line (on any instance). */
    onChange: (l: (dropId: string) => void) => void listeners.push(l),
    placeOf,
    /** The store's entries for these buyers; a store that is away is a 503. */
    entries: (dropId: string, userIds: string[]) => guard(() => store.entries(dropId, userIds)),

    /** A proof-of-work challenge for joining this drop's line. */
    async challenge(dropId: string) {
      const drop = await o.drops.get(dropId)
      if (drop.access.challenge !== 'pow') throw new AppError('CHALLENGE_NOT_ENABLED', 'This drop asks for no proof of work')
      return o.pow.issue(dropId, drop.access.challengeDifficulty!)
    },

    async join(userId: string, dropId: string, altcha?: string): Promise<QueuePlace> {
      const drop = await queuedDrop(dropId)
      if (drop.access.challenge === 'pow') {
        if (!altcha) throw new AppError('CHALLENGE_REQUIRED', 'This drop asks for proof of work: solve a challenge from GET /v1/challenges and send it as the Altcha header')
        const id = await o.pow.verify(altcha, dropId)
        if (!id || !(await guard(() => store.spendChallenge(id, o.pow.ttlMs)))) {
          throw new AppError('CHALLENGE_FAILED', 'The proof-of-work solution is wrong, expired, already used or for another drop')
        }
      }
      if (drop.status === 'ended' || drop.status === 'cancelled' || (drop.endsAt !== null && Date.parse(drop.endsAt) <= Date.now())) {
        const dropStatus = drop.status === 'cancelled' ? 'cancelled' : 'ended'
        throw new AppError('DROP_NOT_LIVE', `The drop is ${dropStatus}; its waiting room is closed`, { extra: { dropStatus } })
      }
      if (drop.status === 'live' && drop.availableStock === 0) {
        throw new AppError('SOLD_OUT', 'The drop is sold out; its waiting room is closed', { extra: { availableStock: 0 } })
      }
      const startsAtMs = Date.parse(drop.startsAt)
      const opensAt = startsAtMs - drop.access.preQueueSeconds! * 1000
      if (Date.now() < opensAt) {
        throw new AppError('QUEUE_NOT_OPEN', `The waiting room opens at ${new Date(opensAt).toISOString()}`)
      }
      return guard(async () => {
        let e = await store.join(dropId, userId, startsAtMs, true)
        if (e === 'needs_seal') {
          await seal(drop)
          e = await store.join(dropId, userId, startsAtMs, true)
        }
        if (e === 'needs_seal') throw new Error('the pre-queue could not be sealed')
        await store.activate(dropId)
        return placeOf(drop, userId, e)
      })
    },

    /** The caller's place; 404 when not in line. */
    async place(userId: string, dropId: string): Promise<QueuePlace> {
      const drop = await queuedDrop(dropId).catch((err) => {
        throw err instanceof AppError && err.code === 'QUEUE_NOT_ENABLED' ? notFound('place in line') : err
      })
      const [e] = await guard(() => store.entries(dropId, [userId]))
      if (!e) throw notFound('place in line')
      return placeOf(drop, userId, e)
    },

    /** Owner only; anybody else learns nothing (404). */
    async stats(userId: string, dropId: string): Promise<QueueStatsBody> {
      const [drop, creator] = await Promise.all([o.drops.get(dropId), o.creators.findByUser(userId)])
      if (!creator || creator.id !== drop.creatorId || drop.access.mode !== 'queue') throw notFound('drop')
      const s = await guard(() => store.stats(dropId))
      return {
        dropId, waiting: s.waiting, admitted: s.admitted, bought: s.bought, expired: s.expired,
        admitPerSecond: drop.access.admitPerSecond!, admissionRate: s.admittedLast10s / 10,
      }
    },

    /**
     * The order path's gate, asked before an order is placed. → true for a queued drop whose admission the
     * order just spent (report the outcome with `settle`), false for an open (or unknown) drop. Throws 403
     * ADMISSION_* otherwise. A retry of the same order (same Idempotency-Key) passes again, even past expiry,
     * so that it gets its stored answer.
     */
    async admit(userId: string, dropId: string, token: string | undefined, idempotencyKey: string): Promise<boolean> {
      const mode = settledMode.get(dropId) ?? (await modeOf(dropId))
      if (mode !== 'queue') return false
      if (!token) throw new AppError('ADMISSION_REQUIRED', 'This drop has a waiting room: join it (POST /v1/drops/{dropId}/queue) and send the admission token as Admission-Token')
      const claims = o.tokens.verify(token)
      if (!claims || claims.dropId !== dropId || claims.userId !== userId) {
        throw new AppError('ADMISSION_INVALID', 'The admission token is not valid for this buyer and drop')
      }
      if (claims.expiresAtMs <= Date.now()) {
        // Only a retry of the order that spent the token in time may pass once it has expired.
        if ((await guard(() => store.spentBy(dropId, userId))) !== idempotencyKey) {
          throw new AppError('ADMISSION_EXPIRED', 'The admission token has expired; the slot went to the next buyer in line')
        }
        return true
      }
      const spent = await guard(() => store.consume(dropId, userId, idempotencyKey))
      if (spent === 'other') throw new AppError('ADMISSION_USED', 'This admission token was already spent on another order')
      return true
    },

    /** The outcome of an order that spent an admission. */
    async settle(userId: string, dropId: string, confirmed: boolean): Promise<void> {
      await store.settle(dropId, userId, confirmed).catch((err) => {
        if (unsettled.size < 100_000) unsettled.set(`${dropId} ${userId}`, { dropId, userId, confirmed })
        log.warn({ err: (err as Error).message, dropId }, 'queue settle failed; the admitter retries it')
      })
    },
  }
}
