import { FIELD_DEFAULTS, FIELD_LIMITS } from '@livedrop/sdk'
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

type Limits = typeof FIELD_LIMITS
type NumberField<S extends keyof Limits> = { [F in keyof Limits[S]]: Limits[S][F] extends { minimum: number; maximum: number } ? F : never }[keyof Limits[S]]
type TextField<S extends keyof Limits> = { [F in keyof Limits[S]]: Limits[S][F] extends { maxLength: number } ? F : never }[keyof Limits[S]]

/** A whole number within the bounds the contract gives this request field (the CLI restates no limit). */
export function contractInt<S extends keyof Limits>(raw: string | undefined, flag: string, schema: S, field: NumberField<S>): number | undefined {
  const b = FIELD_LIMITS[schema][field] as { minimum: number; maximum: number }
  return int(raw, flag, b.minimum, b.maximum)
}

/** A flag's help, from the contract: "1 – 10000; default 10" for an integer field with a default. */
export function contractRange<S extends keyof Limits>(schema: S, field: NumberField<S>): string {
  const b = FIELD_LIMITS[schema][field] as { minimum: number; maximum: number }
  const d = (FIELD_DEFAULTS as Record<string, Record<string, unknown> | undefined>)[schema]?.[field as string]
  const n = (x: number) => x.toLocaleString('en-US')
  return `${n(b.minimum)} – ${n(b.maximum)}${d === undefined ? '' : `; default ${String(d)}`}`
}

/** Text within the lengths the contract gives this request field. */
export function contractText<S extends keyof Limits>(value: string, flag: string, schema: S, field: TextField<S>): string {
  const b = FIELD_LIMITS[schema][field] as { minLength?: number; maxLength: number }
  const min = b.minLength ?? 0
  if (value.length < min || value.length > b.maxLength) {
    throw new UsageError(min > 0 ? `${flag}: ${min} to ${b.maxLength} characters` : `${flag}: at most ${b.maxLength} characters`)
  }
  return value
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs: a typo is caught here instead of as a 400 from the server. */
export function id(raw: unknown, what: string): string {
  const v = typeof raw === 'string' ? raw.trim() : ''
  if (!UUID.test(v)) throw new UsageError(`${what} must be a UUID, got "${String(raw ?? '')}"`)
  return v.toLowerCase()
}
