import { defineCommand } from '../../command'
import { UsageError, unwrap } from '../../errors'
import { contractInt, id, str } from '../../parse'
import { formatRelative, parseFutureWhen } from '../../time'
import { describeDrop } from './show'

export interface UpdateDropOptions {
  dropId: string
  startsAt?: Date
  endsAt?: Date | null
  initialStock?: number
  perUserLimit?: number | null
  lowStockThreshold?: number | null
}

const orNone = <T>(raw: string | undefined, read: (s: string) => T): T | null | undefined => (raw === undefined ? undefined : raw.trim().toLowerCase() === 'none' ? null : read(raw))

export const updateDrop = defineCommand<UpdateDropOptions>({
  name: 'update <dropId>',
  summary: 'Change a scheduled drop (only the fields you pass)',
  examples: [
    'livedrop drops update <dropId> --at "tomorrow 20:00"',
    'livedrop drops update <dropId> --stock 750 --per-user-limit none',
    'livedrop drops update <dropId> --ends-at none',
  ],
  configure: (cmd) =>
    cmd
      .option('--at <time>', 'new start time')
      .option('--ends-at <time|none>', 'new end time, or "none" for open-ended')
      .option('--stock <n>', 'new initial stock')
      .option('--per-user-limit <n|none>', 'new per-buyer limit, or "none"')
      .option('--low-stock <n|none>', 'new low-stock threshold, or "none"'),
  parse({ args, opts, penv }) {
    const o: UpdateDropOptions = {
      dropId: id(args[0], 'dropId'),
      startsAt: orNone(str(opts, 'at'), (s) => parseFutureWhen(s, '--at', penv.now)) ?? undefined,
      endsAt: orNone(str(opts, 'endsAt'), (s) => parseFutureWhen(s, '--ends-at', penv.now)),
      initialStock: contractInt(str(opts, 'stock'), '--stock', 'UpdateDropRequest', 'initialStock'),
      perUserLimit: orNone(str(opts, 'perUserLimit'), (s) => contractInt(s, '--per-user-limit', 'UpdateDropRequest', 'perUserLimit')!),
      lowStockThreshold: orNone(str(opts, 'lowStock'), (s) => contractInt(s, '--low-stock', 'UpdateDropRequest', 'lowStockThreshold')!),
    }
    if (str(opts, 'at')?.trim().toLowerCase() === 'none') throw new UsageError('--at cannot be "none": a drop needs a start')
    if (o.startsAt && o.endsAt && o.endsAt <= o.startsAt) throw new UsageError('--ends-at must be after --at')
    if (Object.entries(o).filter(([k, v]) => k !== 'dropId' && v !== undefined).length === 0) {
      throw new UsageError('nothing to change', 'Pass at least one of --at, --ends-at, --stock, --per-user-limit, --low-stock.')
    }
    return o
  },
  async run(ctx, o) {
    const body = {
      ...(o.startsAt ? { startsAt: o.startsAt.toISOString() } : {}),
      ...(o.endsAt !== undefined ? { endsAt: o.endsAt?.toISOString() ?? null } : {}),
      ...(o.initialStock !== undefined ? { initialStock: o.initialStock } : {}),
      ...(o.perUserLimit !== undefined ? { perUserLimit: o.perUserLimit } : {}),
      ...(o.lowStockThreshold !== undefined ? { lowStockThreshold: o.lowStockThreshold } : {}),
    }
    if (o.startsAt) ctx.info(`Starts at ${ctx.err.bold(o.startsAt.toISOString())} (${formatRelative(o.startsAt, ctx.now())})`)
    const drop = unwrap(await ctx.authed().PATCH('/v1/drops/{dropId}', { params: { path: { dropId: o.dropId } }, body }))
    ctx.print(drop, () => describeDrop(ctx, drop))
    ctx.info(`${ctx.err.green('✓')} Updated drop ${drop.id}`)
  },
})
