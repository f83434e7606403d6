import { AppError } from '../errors'
import { PARAMETERS } from '../contract/vocabulary.gen'

/**
 * Opaque keyset cursors: base64url JSON of the sort key of the last item of a page. Decoding checks the shape
 * strictly, so a forged or garbage cursor is a 400, never a SQL error.
 */
export type CursorKey = Array<string | number>

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** A list route's page request: the `limit` the contract defaults when left out, and the cursor as given. */
export const pageOf = (q: { limit?: number; cursor?: string }): { limit: number; cursor?: string } => ({
  limit: q.limit ?? PARAMETERS.Limit.default,
  cursor: q.cursor,
})

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

function isCanonicalTime(v: string): boolean {
  const t = new Date(v)
  return !Number.isNaN(t.getTime()) && t.toISOString() === v
}

export function decodeCursor(cursor: string | undefined, shape: Array<'uuid' | 'time' | 'int'>): CursorKey | null {
  if (cursor === undefined) return null
  const bad = new AppError('INVALID_CURSOR', 'cursor is not one this server issued for this list', {
    errors: [{ field: 'cursor', message: 'invalid cursor' }],
  })
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw bad
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw bad
  shape.forEach((kind, i) => {
    const v = key[i]
    const ok =
      kind === 'uuid' ? typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
      // Exactly what encodeCursor wrote (toISOString): anything looser can be a time JavaScript reads and
      // PostgreSQL refuses (year 0000, 30 February: SQLSTATE 22008, once a 500).
      : kind === 'time' ? typeof v === 'string' && !v.startsWith('0000') && isCanonicalTime(v)
      : Number.isSafeInteger(v)
    if (!ok) throw bad
  })
  return key as CursorKey
}

/** Rows were fetched with `limit + 1`; the extra row only says whether a next page exists. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, keyOf: (r: R) => CursorKey): Page<T> {
  const more = rows.length > limit
  const pageRows = more ? rows.slice(0, limit) : rows
  return {
    items: pageRows.map(map),
    nextCursor: more ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null,
  }
}
