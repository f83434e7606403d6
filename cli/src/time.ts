import * as chrono from 'chrono-node'
import { UsageError } from './errors'

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/** What --at and --ends-at accept (cli/README.md, "Times"), shown whenever a time cannot be read. */
export const TIME_FORMS = [
  'Accepted forms:',
  '  RFC 3339           2030-05-01T18:00:00Z, 2030-05-01T20:00:00+02:00',
  '  your local time    "in 2h", "in 90 minutes", "tomorrow 18:00", "next friday 9am", "18:30" (the next 18:30)',
].join('\n')

/**
 * A time given on the command line → an instant. RFC 3339 is taken as written; anything else goes through
 * chrono ("in 2h", "tomorrow 18:00", "next friday 9am") in the local zone, always forward from `now`.
 * The whole input must be understood: "tomorrow 18:00 maybe" is refused rather than half-read.
 */
export function parseWhen(input: string, flag: string, now: Date): Date {
  const text = input.trim()
  if (RFC3339.test(text)) {
    const at = new Date(text)
    if (!Number.isNaN(at.getTime())) return at
  }
  const [hit] = chrono.parse(text, now, { forwardDate: true })
  if (!hit || hit.index !== 0 || hit.text.length !== text.length) {
    throw new UsageError(`${flag}: cannot read "${input}" as a time. ${TIME_FORMS}`)
  }
  return hit.date()
}

/** Like parseWhen, and the instant must still be ahead of `now`. */
export function parseFutureWhen(input: string, flag: string, now: Date): Date {
  const at = parseWhen(input, flag, now)
  if (at.getTime() <= now.getTime()) throw new UsageError(`${flag}: "${input}" is ${at.toISOString()}, which is in the past`)
  return at
}

/** "2h 5m", "3d 4h", "42s": the two largest units, for countdowns and "starts in". */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.round(Math.abs(ms) / 1000))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const parts: string[] = []
  if (d) parts.push(`${d}d`)
  if (h) parts.push(`${h}h`)
  if (m) parts.push(`${m}m`)
  if (s || parts.length === 0) parts.push(`${s}s`)
  return parts.slice(0, 2).join(' ')
}

/** "in 2h 5m" or "3m ago". */
export function formatRelative(at: Date | string, now: number): string {
  const ms = new Date(at).getTime() - now
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(ms)} ago`
}

/** A local wall-clock rendering for tables: "2030-05-01 20:00". */
export function formatLocal(at: Date | string | number, withSeconds = false): string {
  const d = new Date(at)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}${withSeconds ? `:${p(d.getSeconds())}` : ''}`
}
