import { readFile } from 'node:fs/promises'
import type { Drop, Product } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import type { Context } from '../context'
import { CliError, EXIT, UsageError, unwrap } from '../errors'
import { table, type Palette } from '../output'
import { id, int, str } from '../parse'
import { createPrompter, readAll } from '../prompt'
import { formatLocal, formatRelative, parseFutureWhen } from '../time'
import { myCreatorId } from './auth'
import { watchDrop } from './watch'

const STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const
type DropStatus = (typeof STATUSES)[number]

/** A drop to create, checked and with its times resolved. */
export interface DropDraft {
  productId: string
  startsAt: Date
  endsAt?: Date
  initialStock: number
  perUserLimit?: number
  lowStockThreshold?: number
}

/** The fields of a draft as given (flags are strings, a file may hold numbers), with the names to blame. */
interface RawDraft {
  productId: unknown
  startsAt: unknown
  endsAt?: unknown
  initialStock: unknown
  perUserLimit?: unknown
  lowStockThreshold?: unknown
}
type DraftNames = Record<keyof RawDraft, string>

const FLAG_NAMES: DraftNames = { productId: '--product', startsAt: '--at', endsAt: '--ends-at', initialStock: '--stock', perUserLimit: '--per-user-limit', lowStockThreshold: '--low-stock' }

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
  const initialStock = stock === undefined ? undefined : attempt(() => int(stock, names.initialStock, 1, 1_000_000))
  const limit = text(raw.perUserLimit, names.perUserLimit, false)
  const perUserLimit = attempt(() => int(limit, names.perUserLimit, 1, 1000))
  const low = text(raw.lowStockThreshold, names.lowStockThreshold, false)
  const lowStockThreshold = attempt(() => int(low, names.lowStockThreshold, 0, 1_000_000))
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) problems.push(`${names.endsAt} (${endsAt.toISOString()}) must be after ${names.startsAt} (${startsAt.toISOString()})`)
  if (initialStock !== undefined && lowStockThreshold !== undefined && lowStockThreshold >= initialStock) {
    problems.push(`${names.lowStockThreshold} (${lowStockThreshold}) must be below ${names.initialStock} (${initialStock})`)
  }
  if (problems.length || !productId || !startsAt || initialStock === undefined) return { problems }
  return { problems, draft: { productId, startsAt, endsAt, initialStock, perUserLimit, lowStockThreshold } }
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
  const known = new Set(['productId', 'startsAt', 'endsAt', 'initialStock', 'perUserLimit', 'lowStockThreshold'])
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

const draftBody = (d: DropDraft) => ({
  productId: d.productId,
  startsAt: d.startsAt.toISOString(),
  initialStock: d.initialStock,
  ...(d.endsAt ? { endsAt: d.endsAt.toISOString() } : {}),
  ...(d.perUserLimit !== undefined ? { perUserLimit: d.perUserLimit } : {}),
  ...(d.lowStockThreshold !== undefined ? { lowStockThreshold: d.lowStockThreshold } : {}),
})

export type ScheduleOptions = { file: string } | { draft: DropDraft; at: string }

export const scheduleDrop = defineCommand<ScheduleOptions>({
  name: 'schedule',
  summary: 'Schedule a drop of one of your products (or many from a file)',
  description:
    'Schedule a drop. Times take RFC 3339 (2030-05-01T18:00:00Z) or friendly forms in your local zone ("in 2h", ' +
    '"tomorrow 18:00", "next friday 9am"); the resolved UTC time is echoed before anything is created. ' +
    'With --file, every drop in the file is checked (fields, times, products you own) before any is created.',
  examples: [
    'livedrop drops schedule --product <productId> --at "tomorrow 18:00" --stock 500',
    'livedrop drops schedule --product <productId> --at "in 2h" --ends-at "in 3h" --stock 100 --per-user-limit 2 --low-stock 10',
    'livedrop drops schedule --product <productId> --at 2030-05-01T18:00:00Z --stock 50 --json',
    'livedrop drops schedule --file drops.json   # [{"productId":"…","startsAt":"in 1h","initialStock":100}, …]',
  ],
  configure: (cmd) =>
    cmd
      .option('--product <productId>', 'the product to drop')
      .option('--at <time>', 'start time')
      .option('--stock <n>', 'units for sale (1 – 1,000,000)')
      .option('--ends-at <time>', 'end time (open-ended when absent)')
      .option('--per-user-limit <n>', 'most units one buyer may hold')
      .option('--low-stock <n>', 'stock level that fires drop.low_stock')
      .option('--file <path>', 'JSON array of drops to schedule ("-" reads stdin)'),
  parse({ opts, penv }) {
    const file = str(opts, 'file')
    if (file !== undefined) {
      const clash = ['product', 'at', 'stock', 'endsAt', 'perUserLimit', 'lowStock'].filter((k) => opts[k] !== undefined)
      if (clash.length) throw new UsageError('--file cannot be combined with the single-drop flags')
      return { file }
    }
    const raw: RawDraft = { productId: opts.product, startsAt: opts.at, endsAt: opts.endsAt, initialStock: opts.stock, perUserLimit: opts.perUserLimit, lowStockThreshold: opts.lowStock }
    const { draft, problems } = checkDraft(raw, FLAG_NAMES, penv.now)
    if (!draft) throw new UsageError(problems.join('; '))
    return { draft, at: String(opts.at) }
  },
  async run(ctx, o) {
    const sdk = ctx.authed()
    if ('draft' in o) {
      ctx.info(`Starts at ${ctx.err.bold(o.draft.startsAt.toISOString())} (${formatRelative(o.draft.startsAt, ctx.now())}, ${formatLocal(o.draft.startsAt)} local)` +
        (o.draft.endsAt ? `, ends at ${o.draft.endsAt.toISOString()}` : ''))
      const drop = unwrap(await sdk.POST('/v1/drops', { body: draftBody(o.draft) }))
      ctx.print(drop, () => drop.id + '\n')
      ctx.info(`${ctx.err.green('✓')} Scheduled drop ${drop.id}: ${drop.initialStock} units from ${drop.startsAt}`)
      return
    }
    const text = o.file === '-' ? await readAll(ctx.rt.stdin) : await readFile(o.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${o.file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
    })
    const drafts = checkDraftFile(text, o.file === '-' ? 'stdin' : o.file, new Date(ctx.now()))
    await checkProductsOwned(ctx, drafts)
    const created: Drop[] = []
    for (const [i, d] of drafts.entries()) {
      ctx.info(`[${i}] starts at ${d.startsAt.toISOString()} (${formatRelative(d.startsAt, ctx.now())})`)
      const res = await sdk.POST('/v1/drops', { body: draftBody(d) })
      if (!res.data) {
        // Checked up front, so this is a race (a product deleted meanwhile, a clock far off): say what exists now.
        if (created.length) ctx.info(ctx.err.yellow(`! ${created.length} of ${drafts.length} drops were scheduled before [${i}] failed: ${created.map((c) => c.id).join(', ')}`))
        unwrap(res)
      }
      created.push(res.data!)
    }
    ctx.print(created, () => created.map((d) => d.id).join('\n') + '\n')
    ctx.info(`${ctx.err.green('✓')} Scheduled ${created.length} drop${created.length === 1 ? '' : 's'}`)
  },
})

/** Every product of the file exists and is the caller's: found before anything is created. */
async function checkProductsOwned(ctx: Context, drafts: DropDraft[]) {
  const mine = await myCreatorId(ctx)
  const problems: string[] = []
  let worst: CliError | null = null
  for (const productId of new Set(drafts.map((d) => d.productId))) {
    const res = await ctx.sdk().GET('/v1/products/{productId}', { params: { path: { productId } } })
    if (res.response.status === 404) {
      problems.push(`product ${productId} does not exist`)
      worst ??= new CliError('', { exitCode: EXIT.notFound, code: 'NOT_FOUND' })
    } else {
      const p: Product = unwrap(res)
      if (p.creatorId !== mine) {
        problems.push(`product ${productId} ("${p.title}") is not yours`)
        worst ??= new CliError('', { exitCode: EXIT.failure, code: 'FORBIDDEN' })
      }
    }
  }
  if (worst) throw new CliError(`nothing was scheduled:\n  ${problems.join('\n  ')}`, { exitCode: worst.exitCode, code: worst.code })
}

export interface ListDropsOptions {
  status?: DropStatus
  creator: string | 'me' | undefined
  limit: number
}

export const listDrops = defineCommand<ListDropsOptions>({
  name: 'list',
  summary: 'List drops (yours with --mine)',
  examples: ['livedrop drops list --mine', 'livedrop drops list --status scheduled --limit 50', 'livedrop drops list --mine --status live --json'],
  configure: (cmd) =>
    cmd
      .option('--status <status>', `only drops in this status (${STATUSES.join(', ')})`)
      .option('--mine', 'only your drops')
      .option('--creator <creatorId>', "only this creator's drops")
      .option('--limit <n>', 'at most this many (default 20, up to 1000)'),
  parse({ opts }) {
    const status = str(opts, 'status')
    if (status !== undefined && !STATUSES.includes(status as DropStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${status}"`)
    if (opts.mine && opts.creator) throw new UsageError('use --mine or --creator, not both')
    return {
      status: status as DropStatus | undefined,
      creator: opts.mine ? 'me' : opts.creator !== undefined ? id(opts.creator, '--creator') : undefined,
      limit: int(str(opts, 'limit'), '--limit', 1, 1000) ?? 20,
    }
  },
  async run(ctx, o) {
    const creatorId = o.creator === 'me' ? await myCreatorId(ctx) : o.creator
    const items: Drop[] = []
    for await (const d of ctx.sdk().paginate('/v1/drops', { params: { query: { status: o.status, creatorId, limit: Math.min(100, o.limit) } } })) {
      items.push(d)
      if (items.length >= o.limit) break
    }
    const now = ctx.now()
    // The table names each drop's product (one read per distinct product); --json keeps the API's own objects.
    const titles = new Map<string, string>()
    if (!ctx.json && items.length) {
      const sdk = ctx.sdk()
      await Promise.all([...new Set(items.map((d) => d.productId))].map(async (productId) => {
        const p = await sdk.GET('/v1/products/{productId}', { params: { path: { productId } } })
        if (p.data) titles.set(productId, p.data.title)
      }))
    }
    ctx.print(items, () => (items.length === 0 ? '' : dropsTable(items, now, ctx.out, titles)))
    if (items.length === 0 && !ctx.json) ctx.info('No drops')
  },
})

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

const dropIdArg = ({ args }: { args: unknown[] }) => ({ dropId: id(args[0], 'dropId') })

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

export const getDrop = defineCommand<{ dropId: string }>({
  name: 'get <dropId>',
  summary: 'Show one drop with its live stock',
  examples: ['livedrop drops get <dropId>', 'livedrop drops get <dropId> --json'],
  parse: dropIdArg,
  async run(ctx, o) {
    const drop = unwrap(await ctx.sdk().GET('/v1/drops/{dropId}', { params: { path: { dropId: o.dropId } } }))
    ctx.print(drop, () => describeDrop(ctx, drop))
  },
})

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
      initialStock: int(str(opts, 'stock'), '--stock', 1, 1_000_000),
      perUserLimit: orNone(str(opts, 'perUserLimit'), (s) => int(s, '--per-user-limit', 1, 1000)!),
      lowStockThreshold: orNone(str(opts, 'lowStock'), (s) => int(s, '--low-stock', 0, 1_000_000)!),
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

export const cancelDrop = defineCommand<{ dropId: string; yes: boolean }>({
  name: 'cancel <dropId>',
  summary: 'Cancel a scheduled or live drop',
  examples: ['livedrop drops cancel <dropId>', 'livedrop drops cancel <dropId> --yes'],
  configure: (cmd) => cmd.option('-y, --yes', 'do not ask for confirmation'),
  parse({ args, opts, penv }) {
    const yes = Boolean(opts.yes)
    if (!yes && !penv.stdinIsTTY) throw new UsageError('--yes is required when not running interactively')
    return { ...dropIdArg({ args }), yes }
  },
  async run(ctx, o) {
    const sdk = ctx.authed()
    if (!o.yes) {
      const prompter = createPrompter(ctx.rt)
      let answer: string
      try {
        answer = await prompter.ask(`Cancel drop ${o.dropId}? Buyers can no longer order. [y/N] `)
      } finally {
        prompter.close()
      }
      if (!/^y(es)?$/i.test(answer.trim())) {
        ctx.info('Not cancelled')
        return EXIT.failure
      }
    }
    const drop = unwrap(await sdk.POST('/v1/drops/{dropId}/cancel', { params: { path: { dropId: o.dropId } } }))
    ctx.print(drop, () => describeDrop(ctx, drop))
    ctx.info(`${ctx.err.green('✓')} Drop ${drop.id} is cancelled`)
  },
})

export const auditDrop = defineCommand<{ dropId: string }>({
  name: 'audit <dropId>',
  summary: "Check a drop's stock against its ledger and orders (exit 1 when they disagree)",
  examples: ['livedrop drops audit <dropId>', 'livedrop drops audit <dropId> --json'],
  parse: dropIdArg,
  async run(ctx, o) {
    const a = unwrap(await ctx.authed().GET('/v1/drops/{dropId}/audit', { params: { path: { dropId: o.dropId } } }))
    const c = ctx.out
    ctx.print(a, () => [
      `${c.bold('Audit')} of drop ${a.dropId}: ${a.invariantHolds ? c.green('OK') : c.red('MISMATCH')}`,
      `  initial stock        ${a.initialStock}`,
      `  available stock      ${a.availableStock}`,
      `  sold (ledger)        ${a.sold}`,
      `  cancelled (ledger)   ${a.cancelled}`,
      `  adjusted (ledger)    ${a.adjusted}`,
      `  confirmed quantity   ${a.confirmedQuantity}`,
      `  ledger sum           ${a.ledgerSum}`,
    ].join('\n') + '\n')
    if (!a.invariantHolds) {
      ctx.info(ctx.err.red('error: the ledger and the orders disagree with the stock (AUDIT_MISMATCH)'))
      return EXIT.failure
    }
  },
})

export const watch = defineCommand<{ dropId: string }>({
  name: 'watch <dropId>',
  summary: 'Follow a drop live: status, countdown, stock and orders/s',
  description:
    'Follow a drop as it happens, from its event stream. On a terminal: a live view of the status, the countdown ' +
    'to the start, the stock left with a bar and the orders per second. Otherwise (or with --json): one JSON ' +
    'event per line. Stops when the drop ends or is cancelled, or on Ctrl-C (exit 0 either way).',
  examples: ['livedrop drops watch <dropId>', 'livedrop drops watch <dropId> --json | jq -c .'],
  parse: dropIdArg,
  run: (ctx, o) => watchDrop(ctx, o.dropId),
})

export const dropsCommands: CommandGroup = {
  name: 'drops',
  summary: 'Schedule, follow and manage drops',
  commands: [scheduleDrop, listDrops, getDrop, updateDrop, cancelDrop, watch, auditDrop],
}

