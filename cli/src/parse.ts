import { UsageError } from './errors'

/** Flag readers shared by parse functions: each throws a UsageError naming the flag. */

export function str(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key]
  return typeof v === 'string' ? v : undefined
}

export function requireStr(opts: Record<string, unknown>, key: string, flag: string): string {
  const v = str(opts, key)
  if (v === undefined || v.trim() === '') throw new UsageError(`${flag} is required`)
  return v
}

export function int(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`)
  return n
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs: a typo is caught here instead of as a 400 from the server. */
export function id(raw: unknown, what: string): string {
  const v = typeof raw === 'string' ? raw.trim() : ''
  if (!UUID.test(v)) throw new UsageError(`${what} must be a UUID, got "${String(raw ?? '')}"`)
  return v.toLowerCase()
}
