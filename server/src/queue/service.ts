import { AppError, notFound } from '../errors'
import type { Tx } from '../db'
import type { Drop, QueuePlace, QueueStats as QueueStatsBody } from '../contract/schemas.gen'
import { getDrop } from '../drops/service'
import { findCreatorByUser } from '../creators/service'
import type { WaitingRoom } from './room'

/** What the waiting room's verbs need: the pool (drops, creators) and this instance's room (room.ts). */
export interface QueueDeps {
  sql: Tx
  queue: WaitingRoom
}

async function queuedDrop(deps: QueueDeps, dropId: string): Promise<Drop> {
  const drop = await getDrop(deps, dropId)
  if (drop.access.mode !== 'queue') throw new AppError('QUEUE_NOT_ENABLED', 'This drop has no waiting room; order directly')
  return drop
}

/** A proof-of-work challenge for joining this drop's line. */
export async function issueChallenge(deps: QueueDeps, dropId: string) {
  const drop = await getDrop(deps, dropId)
  if (drop.access.challenge !== 'pow') throw new AppError('CHALLENGE_NOT_ENABLED', 'This drop asks for no proof of work')
  return deps.queue.pow.issue(dropId, drop.access.challengeDifficulty!)
}

/** Joins the line (again: the same place); before the start in the pre-queue, whose order is drawn at the start. */
export async function joinQueue(deps: QueueDeps, userId: string, dropId: string, altcha?: string): Promise<QueuePlace> {
  const { queue } = deps
  const drop = await queuedDrop(deps, dropId)
  if (drop.access.challenge === 'pow') {
    if (!altcha) throw new AppError('CHALLENGE_REQUIRED', 'This drop asks for proof of work: solve a challenge from GET /v1/challenges and send it as the Altcha header')
    const id = await queue.pow.verify(altcha, dropId)
    if (!id || !(await queue.guard(() => queue.store.spendChallenge(id, queue.pow.ttlMs)))) {
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
  return queue.guard(async () => {
    let e = await queue.store.join(dropId, userId, startsAtMs, true)
    if (e === 'needs_seal') {
      await queue.seal(drop)
      e = await queue.store.join(dropId, userId, startsAtMs, true)
    }
    if (e === 'needs_seal') throw new Error('the pre-queue could not be sealed')
    await queue.store.activate(dropId)
    return queue.placeOf(drop, userId, e)
  })
}

/** The caller's place; 404 when not in line. */
export async function getQueuePlace(deps: QueueDeps, userId: string, dropId: string): Promise<QueuePlace> {
  const drop = await queuedDrop(deps, dropId).catch((err) => {
    throw err instanceof AppError && err.code === 'QUEUE_NOT_ENABLED' ? notFound('place in line') : err
  })
  const [e] = await deps.queue.entries(dropId, [userId])
  if (!e) throw notFound('place in line')
  return deps.queue.placeOf(drop, userId, e)
}

/** The line's figures; owner only, anybody else learns nothing (404). */
export async function getQueueStats(deps: QueueDeps, userId: string, dropId: string): Promise<QueueStatsBody> {
  const [drop, creator] = await Promise.all([getDrop(deps, dropId), findCreatorByUser(deps, userId)])
  if (!creator || creator.id !== drop.creatorId || drop.access.mode !== 'queue') throw notFound('drop')
  const s = await deps.queue.guard(() => deps.queue.store.stats(dropId))
  return {
    dropId, waiting: s.waiting, admitted: s.admitted, bought: s.bought, expired: s.expired,
    admitPerSecond: drop.access.admitPerSecond!, admissionRate: s.admittedLast10s / 10,
  }
}

/**
 * The order path's gate, asked before an order is placed. → true for a queued drop whose admission the
 * order just spent (report the outcome with `settleOrder`), false for an open (or unknown) drop. Throws 403
 * ADMISSION_* otherwise. A retry of the same order (same Idempotency-Key) passes again, even past expiry,
 * so that it gets its stored answer.
 */
export async function admitOrder(deps: QueueDeps, userId: string, dropId: string, token: string | undefined, idempotencyKey: string): Promise<boolean> {
  const { queue } = deps
  const mode = await queue.modeOf(dropId)
  if (mode !== 'queue') return false
  if (!token) throw new AppError('ADMISSION_REQUIRED', 'This drop has a waiting room: join it (POST /v1/drops/{dropId}/queue) and send the admission token as Admission-Token')
  const claims = queue.tokens.verify(token)
  if (!claims || claims.dropId !== dropId || claims.userId !== userId) {
    throw new AppError('ADMISSION_INVALID', 'The admission token is not valid for this buyer and drop')
  }
  if (claims.expiresAtMs <= Date.now()) {
    // Only a retry of the order that spent the token in time may pass once it has expired.
    if ((await queue.guard(() => queue.store.spentBy(dropId, userId))) !== idempotencyKey) {
      throw new AppError('ADMISSION_EXPIRED', 'The admission token has expired; the slot went to the next buyer in line')
    }
    return true
  }
  const spent = await queue.guard(() => queue.store.consume(dropId, userId, idempotencyKey))
  if (spent === 'other') throw new AppError('ADMISSION_USED', 'This admission token was already spent on another order')
  return true
}

/** The outcome of an order that spent an admission (bought, or back to the line's capacity). */
export const settleOrder = (deps: QueueDeps, userId: string, dropId: string, confirmed: boolean): Promise<void> =>
  deps.queue.settle(userId, dropId, confirmed)
