import { readFile } from 'node:fs/promises'
import type { Drop, Product } from '@livedrop/sdk'
import { defineCommand } from '../../command'
import type { Context } from '../../context'
import { CliError, EXIT, UsageError, unwrap } from '../../errors'
import { contractRange, str } from '../../parse'
import { readAll } from '../../prompt'
import { formatLocal, formatRelative } from '../../time'
import { myCreatorId } from '../session'
import { checkDraft, checkDraftFile, draftBody, FLAG_NAMES, type DropDraft, type RawDraft } from './draft'
import { ACCESS_FLAG_KEYS, checkAccessFlags } from './access'

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
    'livedrop drops schedule --product <productId> --at "tomorrow 18:00" --stock 500 --queue --admit-per-second 20 --pre-queue 900',
    'livedrop drops schedule --product <productId> --at "in 1h" --stock 500 --queue --admit-per-second 50 --challenge pow --difficulty 50000',
    'livedrop drops schedule --file drops.json   # [{"productId":"…","startsAt":"in 1h","initialStock":100}, …]',
  ],
  configure: (cmd) =>
    cmd
      .option('--product <productId>', 'the product to drop')
      .option('--at <time>', 'start time')
      .option('--stock <n>', `units for sale (${contractRange('CreateDropRequest', 'initialStock')})`)
      .option('--ends-at <time>', 'end time (open-ended when absent)')
      .option('--per-user-limit <n>', 'most units one buyer may hold')
      .option('--low-stock <n>', 'stock level that fires drop.low_stock')
      .option('--queue', 'put buyers through a waiting room (fair line, admission at a set rate)')
      .option('--admit-per-second <n>', `with --queue: buyers admitted per second (${contractRange('DropAccessInput', 'admitPerSecond')})`)
      .option('--pre-queue <seconds>', `with --queue: the line opens this long before the start; early joiners are shuffled (${contractRange('DropAccessInput', 'preQueueSeconds')})`)
      .option('--admission-ttl <seconds>', `with --queue: how long an admitted buyer has to order (${contractRange('DropAccessInput', 'admissionTtlSeconds')})`)
      .option('--challenge <kind>', 'with --queue: "pow" makes each join solve a proof-of-work challenge')
      .option('--difficulty <n>', `with --challenge pow: about how many attempts a solution takes (${contractRange('DropAccessInput', 'challengeDifficulty')})`)
      .option('--file <path>', 'JSON array of drops to schedule ("-" reads stdin)'),
  parse({ opts, penv }) {
    const file = str(opts, 'file')
    if (file !== undefined) {
      const clash = ['product', 'at', 'stock', 'endsAt', 'perUserLimit', 'lowStock', ...ACCESS_FLAG_KEYS].filter((k) => opts[k] !== undefined)
      if (clash.length) throw new UsageError('--file cannot be combined with the single-drop flags')
      return { file }
    }
    const accessProblems: string[] = []
    const access = checkAccessFlags(opts, accessProblems)
    const raw: RawDraft = { productId: opts.product, startsAt: opts.at, endsAt: opts.endsAt, initialStock: opts.stock, perUserLimit: opts.perUserLimit, lowStockThreshold: opts.lowStock, access }
    const { draft, problems } = checkDraft(raw, FLAG_NAMES, penv.now)
    if (!draft || accessProblems.length) throw new UsageError([...problems, ...accessProblems].join('; '))
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
      if (drop.access.mode === 'queue') {
        const a = drop.access
        ctx.info(`  waiting room: ${a.admitPerSecond} buyers/s, line opens ${a.preQueueSeconds}s before the start, ${a.admissionTtlSeconds}s to order once admitted` +
          (a.challenge === 'pow' ? `, proof of work (difficulty ${a.challengeDifficulty})` : ''))
      }
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
