import { ENUMS, type Drop } from '@livedrop/sdk'
import type { Context } from '../../context'
import { table, type Palette } from '../../output'
import { id } from '../../parse'
import { formatLocal, formatRelative } from '../../time'

/** The contract's drop statuses (generated): the CLI restates none. */
export const STATUSES = ENUMS.DropStatus
export type DropStatus = (typeof STATUSES)[number]

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

export function dropsTable(items: Drop[], now: number, c: Palette, titles = new Map<string, string>()): string {
  return table(items, [
    { header: 'ID', value: (d) => d.id },
    { header: 'PRODUCT', value: (d) => clip(titles.get(d.productId) ?? '?', 32) },
    { header: 'STATUS', value: (d) => paintStatus(d.status, c) },
    { header: 'STARTS', value: (d) => formatRelative(d.startsAt, now) },
    { header: 'AT', value: (d) => formatLocal(d.startsAt) },
    { header: 'STOCK LEFT', value: (d) => `${d.availableStock}/${d.initialStock}`, align: 'right' },
  ], c)
}

export function paintStatus(status: string, c: Palette): string {
  if (status === 'live') return c.green(status)
  if (status === 'scheduled') return c.cyan(status)
  if (status === 'cancelled') return c.red(status)
  return c.dim(status)
}

export const dropIdArg = ({ args }: { args: unknown[] }) => ({ dropId: id(args[0], 'dropId') })

export function describeDrop(ctx: Context, d: Drop): string {
  const c = ctx.out
  const now = ctx.now()
  return [
    `${c.bold('Drop')} ${d.id}  ${paintStatus(d.status, c)}`,
    `  product     ${d.productId}`,
    `  starts      ${d.startsAt} (${formatRelative(d.startsAt, now)})`,
    `  ends        ${d.endsAt ? `${d.endsAt} (${formatRelative(d.endsAt, now)})` : '—'}`,
    `  stock       ${d.availableStock} of ${d.initialStock} left`,
    `  per buyer   ${d.perUserLimit ?? 'no limit'}`,
    `  low stock   ${d.lowStockThreshold ?? '—'}`,
  ].join('\n') + '\n'
}
