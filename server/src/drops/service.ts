import type { Sql, Tx } from '../db'
import { AppError, notFound } from '../errors'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { CreateDropRequest, Drop, DropAccessInput, DropAudit, UpdateDropRequest } from '../contract/schemas.gen'
import { findCreatorByUser } from '../creators/service'
import { getProduct, type ProductsDeps } from '../products/service'
import { appendEvent } from '../platform/outbox'
import * as repo from './repo'
import { FIELD_DEFAULTS } from '../contract/vocabulary.gen'

/** What the drops' verbs need; a drop's product is read through the products' verbs (ownership, price). */
export interface DropsDeps extends ProductsDeps {
  sql: Sql
  hooks: {
    /** After any change to a drop row (deps.ts invalidates the cached drop and the search epoch). */
    dropChanged(dropId: string): void
  }
}

export const toDrop = (r: repo.DropRow): Drop => ({
  id: r.id,
  productId: r.productId,
  creatorId: r.creatorId,
  status: r.status,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt ? r.endsAt.toISOString() : null,
  initialStock: r.initialStock,
  availableStock: r.availableStock,
  lowStockThreshold: r.lowStockThreshold,
  perUserLimit: r.perUserLimit,
  access: {
    mode: r.accessMode, admitPerSecond: r.admitPerSecond, preQueueSeconds: r.preQueueSeconds, admissionTtlSeconds: r.admissionTtlSeconds,
    challenge: r.accessChallenge, challengeDifficulty: r.challengeDifficulty,
  },
  createdAt: r.createdAt.toISOString(),
})

/** The stored access settings: an open drop keeps no queue settings, a queued one gets the contract's defaults. */
function accessRow(a: DropAccessInput | undefined): repo.DropAccessRow {
  if (!a || a.mode === 'open') return { accessMode: 'open', admitPerSecond: null, preQueueSeconds: null, admissionTtlSeconds: null, accessChallenge: 'none', challengeDifficulty: null }
  const d = FIELD_DEFAULTS.DropAccessInput
  const pow = (a.challenge ?? d.challenge) === 'pow'
  return {
    accessMode: 'queue', admitPerSecond: a.admitPerSecond ?? d.admitPerSecond, preQueueSeconds: a.preQueueSeconds ?? d.preQueueSeconds,
    admissionTtlSeconds: a.admissionTtlSeconds ?? d.admissionTtlSeconds,
    accessChallenge: pow ? 'pow' : 'none', challengeDifficulty: pow ? (a.challengeDifficulty ?? d.challengeDifficulty) : null,
  }
}

// A start a few hundred ms ahead can already be past when the row is written; the client meant "now-ish
// but in the future", and the scheduler handles a start that is due on arrival. Anything older is a mistake.
const PAST_TOLERANCE_MS = 1000

function checkSchedule(startsAt: Date, endsAt: Date | null, now = Date.now()) {
  if (startsAt.getTime() < now - PAST_TOLERANCE_MS) {
    throw new AppError('STARTS_IN_PAST', 'startsAt must be in the future', { errors: [{ field: '/startsAt', message: 'must be in the future' }] })
  }
  if (endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw new AppError('INVALID_SCHEDULE', 'endsAt must be after startsAt', { errors: [{ field: '/endsAt', message: 'must be after startsAt' }] })
  }
}

/** The drop, when the user is its creator: 404 when there is no such drop, 403 when it is somebody else's. */
async function ownedDrop(tx: Tx, userId: string, dropId: string): Promise<repo.DropRow> {
  const [drop, creator] = await Promise.all([repo.findDrop(tx, dropId), findCreatorByUser({ sql: tx }, userId)])
  if (!drop) throw notFound('drop')
  if (!creator || creator.id !== drop.creatorId) throw new AppError('FORBIDDEN', 'Only the drop owner can do this')
  return drop
}

export async function createDrop(deps: DropsDeps, userId: string, input: CreateDropRequest): Promise<Drop> {
  const startsAt = new Date(input.startsAt)
  const endsAt = input.endsAt ? new Date(input.endsAt) : null
  checkSchedule(startsAt, endsAt)
  const [product, creator] = await Promise.all([
    getProduct(deps, input.productId).catch((e) => {
      if (e instanceof AppError && e.status === 404) throw new AppError('NOT_FOUND', 'product not found', { errors: [{ field: '/productId', message: 'no such product' }] })
      throw e
    }),
    findCreatorByUser(deps, userId),
  ])
  if (!creator || creator.id !== product.creatorId) throw new AppError('FORBIDDEN', "Only the product's creator can schedule a drop of it")
  if (input.lowStockThreshold !== undefined && input.lowStockThreshold >= input.initialStock) {
    throw new AppError('VALIDATION_FAILED', 'lowStockThreshold must be below initialStock', { errors: [{ field: '/lowStockThreshold', message: 'must be below initialStock' }] })
  }
  const row = await deps.sql.begin(async (tx) => {
    const row = await repo.insertDrop(tx, {
      id: newId(),
      productId: product.id,
      creatorId: creator.id,
      startsAt,
      endsAt,
      initialStock: input.initialStock,
      lowStockThreshold: input.lowStockThreshold ?? null,
      perUserLimit: input.perUserLimit ?? null,
      ...accessRow(input.access),
      unitPriceCents: product.priceCents,
      currency: product.currency,
    })
    // Wakes every instance's scheduler: this drop may be due sooner than what it sleeps towards.
    await repo.notifyScheduleChanged(tx)
    return row
  })
  // A new drop is a change too (search answers list drops).
  deps.hooks.dropChanged(row.id)
  return toDrop(row)
}

export async function getDrop(deps: { sql: Tx }, dropId: string): Promise<Drop> {
  const row = await repo.findDrop(deps.sql, dropId)
  if (!row) throw notFound('drop')
  return toDrop(row)
}

export async function listDrops(deps: { sql: Tx }, q: { status?: repo.DropStatus; creatorId?: string; limit: number; cursor?: string }): Promise<Page<Drop>> {
  const scheduled = q.status === 'scheduled'
  const after = decodeCursor(q.cursor, scheduled ? ['time', 'uuid'] : ['uuid'])
  const rows = await repo.listDrops(deps.sql, { status: q.status, creatorId: q.creatorId, after, limit: q.limit })
  return toPage(rows, q.limit, toDrop, (r) => (scheduled ? [r.startsAt.toISOString(), r.id] : [r.id]))
}

export async function updateDrop(deps: Pick<DropsDeps, 'sql' | 'hooks'>, userId: string, dropId: string, patch: UpdateDropRequest): Promise<Drop> {
  const row = await deps.sql.begin(async (tx) => {
    const current = await ownedDrop(tx, userId, dropId)
    const locked = await repo.lockDrop(tx, dropId)
    if (!locked || locked.status !== 'scheduled') {
      throw new AppError('DROP_NOT_SCHEDULED', `A drop can only be changed while scheduled; this one is ${locked?.status ?? current.status}`)
    }
    const startsAt = patch.startsAt !== undefined ? new Date(patch.startsAt) : locked.startsAt
    const endsAt = patch.endsAt !== undefined ? (patch.endsAt === null ? null : new Date(patch.endsAt)) : locked.endsAt
    if (patch.startsAt !== undefined || patch.endsAt !== undefined) checkSchedule(startsAt, endsAt)
    const initialStock = patch.initialStock ?? locked.initialStock
    const lowStockThreshold = patch.lowStockThreshold !== undefined ? patch.lowStockThreshold : locked.lowStockThreshold
    if (lowStockThreshold !== null && lowStockThreshold >= initialStock) {
      throw new AppError('VALIDATION_FAILED', 'lowStockThreshold must be below initialStock', { errors: [{ field: '/lowStockThreshold', message: 'must be below initialStock' }] })
    }
    const updated = await repo.updateScheduledDrop(tx, dropId, {
      startsAt,
      endsAt,
      initialStock,
      lowStockThreshold,
      perUserLimit: patch.perUserLimit !== undefined ? patch.perUserLimit : locked.perUserLimit,
      ...(patch.access !== undefined ? accessRow(patch.access) : {
        accessMode: locked.accessMode, admitPerSecond: locked.admitPerSecond, preQueueSeconds: locked.preQueueSeconds, admissionTtlSeconds: locked.admissionTtlSeconds,
        accessChallenge: locked.accessChallenge, challengeDifficulty: locked.challengeDifficulty,
      }),
    })
    if (!updated) throw new AppError('DROP_NOT_SCHEDULED', 'A drop can only be changed while scheduled')
    await repo.recordAdjustment(tx, dropId, initialStock - locked.initialStock)
    await repo.notifyScheduleChanged(tx)
    return updated
  })
  deps.hooks.dropChanged(dropId)
  return toDrop(row)
}

export async function cancelDrop(deps: Pick<DropsDeps, 'sql' | 'hooks'>, userId: string, dropId: string): Promise<Drop> {
  const result = await deps.sql.begin(async (tx) => {
    const current = await ownedDrop(tx, userId, dropId)
    await repo.lockConfirmedOrders(tx, dropId)
    const row = await repo.cancelDropRow(tx, dropId, `user:${userId}`)
    if (row) {
      // A live drop's buyers get their money's worth back in the same transaction: their orders are
      // cancelled (events with reason drop_cancelled, which the notifier stores for them), the stock returns.
      const { drop } = await repo.cancelDropOrders(tx, dropId)
      await appendEvent(tx, { type: 'drop.cancelled', dropId, creatorId: drop.creatorId, data: toDrop(drop) })
      await repo.notifyScheduleChanged(tx)
      return drop
    }
    const now = (await repo.findDrop(tx, dropId)) ?? current
    if (now.status === 'cancelled') return now
    throw new AppError('DROP_NOT_CANCELLABLE', `Only scheduled or live drops can be cancelled; this one is ${now.status}`)
  })
  deps.hooks.dropChanged(dropId)
  return toDrop(result)
}

export async function auditDrop(deps: { sql: Tx }, userId: string, dropId: string): Promise<DropAudit> {
  const [drop, creator] = await Promise.all([repo.findDrop(deps.sql, dropId), findCreatorByUser(deps, userId)])
  // Owner-only read: anybody else learns nothing, not even that the drop has an audit.
  if (!drop || !creator || creator.id !== drop.creatorId) throw notFound('drop')
  const a = await repo.auditDrop(deps.sql, dropId)
  if (!a) throw notFound('drop')
  return {
    dropId,
    ...a,
    invariantHolds: a.initialStock === a.availableStock + a.confirmedQuantity && a.ledgerSum === a.availableStock && a.availableStock >= 0,
  }
}
