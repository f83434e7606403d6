import { UsageError } from '../../errors'
import { contractInt, id } from '../../parse'
import { parseFutureWhen } from '../../time'
import type { DropAccessInput } from './access'

/** A drop to create, checked and with its times resolved. */
export interface DropDraft {
  productId: string
  startsAt: Date
  endsAt?: Date
  initialStock: number
  perUserLimit?: number
  lowStockThreshold?: number
  access?: DropAccessInput
}

/** The fields of a draft as given (flags are strings, a file may hold numbers), with the names to blame. */
export interface RawDraft {
  productId: unknown
  startsAt: unknown
  endsAt?: unknown
  initialStock: unknown
  perUserLimit?: unknown
  lowStockThreshold?: unknown
  /** the API's `access` object (a file), or what the waiting-room flags made of themselves */
  access?: unknown
}
export type DraftNames = Record<keyof RawDraft, string>

export const FLAG_NAMES: DraftNames = { productId: '--product', startsAt: '--at', endsAt: '--ends-at', initialStock: '--stock', perUserLimit: '--per-user-limit', lowStockThreshold: '--low-stock', access: '--queue' }

/** Checks one draft and collects every problem (a file gets them all at once, not one per attempt). */
export function checkDraft(raw: RawDraft, names: DraftNames, now: Date): { draft?: DropDraft; problems: string[] } {
  const problems: string[] = []
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f()
    } catch (err) {
      if (err instanceof UsageError) problems.push(err.message)
      else throw err
      return undefined
    }
  }
  const text = (v: unknown, name: string, required: boolean): string | undefined => {
    if (v === undefined || v === null) {
      if (required) problems.push(`${name} is required`)
      return undefined
    }
    if (typeof v === 'number') return String(v)
    if (typeof v !== 'string') {
      problems.push(`${name} must be a string or a number`)
      return undefined
    }
    return v
  }
  const pid = text(raw.productId, names.productId, true)
  const productId = pid === undefined ? undefined : attempt(() => id(pid, names.productId))
  const at = text(raw.startsAt, names.startsAt, true)
  const startsAt = at === undefined ? undefined : attempt(() => parseFutureWhen(at, names.startsAt, now))
  const end = text(raw.endsAt, names.endsAt, false)
  const endsAt = end === undefined ? undefined : attempt(() => parseFutureWhen(end, names.endsAt, now))
  const stock = text(raw.initialStock, names.initialStock, true)
  const initialStock = stock === undefined ? undefined : attempt(() => contractInt(stock, names.initialStock, 'CreateDropRequest', 'initialStock'))
  const limit = text(raw.perUserLimit, names.perUserLimit, false)
  const perUserLimit = attempt(() => contractInt(limit, names.perUserLimit, 'CreateDropRequest', 'perUserLimit'))
  const low = text(raw.lowStockThreshold, names.lowStockThreshold, false)
  const lowStockThreshold = attempt(() => contractInt(low, names.lowStockThreshold, 'CreateDropRequest', 'lowStockThreshold'))
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) problems.push(`${names.endsAt} (${endsAt.toISOString()}) must be after ${names.startsAt} (${startsAt.toISOString()})`)
  if (initialStock !== undefined && lowStockThreshold !== undefined && lowStockThreshold >= initialStock) {
    problems.push(`${names.lowStockThreshold} (${lowStockThreshold}) must be below ${names.initialStock} (${initialStock})`)
  }
  let access: DropAccessInput | undefined
  if (raw.access !== undefined) {
    const a = raw.access as { mode?: unknown }
    // Its settings are the server's to check (a precise 422 names the field); the shape is checked here.
    if (typeof a !== 'object' || a === null || Array.isArray(a) || (a.mode !== 'open' && a.mode !== 'queue')) problems.push(`${names.access} must be an object with mode "open" or "queue"`)
    else access = a as DropAccessInput
  }
  if (problems.length || !productId || !startsAt || initialStock === undefined) return { problems }
  return { problems, draft: { productId, startsAt, endsAt, initialStock, perUserLimit, lowStockThreshold, ...(access ? { access } : {}) } }
}

/** A file of drafts: a JSON array of objects with the API's field names (times may be friendly forms). */
export function checkDraftFile(text: string, file: string, now: Date): DropDraft[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new UsageError(`${file} must hold a non-empty JSON array of drops`, 'Example: [{"productId": "…", "startsAt": "tomorrow 18:00", "initialStock": 100}]')
  const known = new Set(['productId', 'startsAt', 'endsAt', 'initialStock', 'perUserLimit', 'lowStockThreshold', 'access'])
  const drafts: DropDraft[] = []
  const problems: string[] = []
  parsed.forEach((entry, i) => {
    const where = `[${i}]`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} must be an object`)
      return
    }
    for (const key of Object.keys(entry)) if (!known.has(key)) problems.push(`${where}.${key} is not a drop field (expected ${[...known].join(', ')})`)
    const names = Object.fromEntries([...known].map((k) => [k, `${where}.${k}`])) as DraftNames
    const r = checkDraft(entry as RawDraft, names, now)
    problems.push(...r.problems)
    if (r.draft) drafts.push(r.draft)
  })
  if (problems.length) throw new UsageError(`${file}: nothing was scheduled, ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`)
  return drafts
}

export const draftBody = (d: DropDraft) => ({
  productId: d.productId,
  startsAt: d.startsAt.toISOString(),
  initialStock: d.initialStock,
  ...(d.endsAt ? { endsAt: d.endsAt.toISOString() } : {}),
  ...(d.perUserLimit !== undefined ? { perUserLimit: d.perUserLimit } : {}),
  ...(d.lowStockThreshold !== undefined ? { lowStockThreshold: d.lowStockThreshold } : {}),
  ...(d.access ? { access: d.access } : {}),
})
