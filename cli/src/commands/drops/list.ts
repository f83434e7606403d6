import { defineCommand } from '../../command'
import { UsageError } from '../../errors'
import { limitOption, ownerId, ownerOptions, pageSize, parseLimit, parseOwner, take, type OwnedListOptions } from '../../list'
import { str } from '../../parse'
import { dropsTable, STATUSES, type DropStatus } from './show'

export interface ListDropsOptions extends OwnedListOptions {
  status?: DropStatus
}

export const listDrops = defineCommand<ListDropsOptions>({
  name: 'list',
  summary: 'List drops (yours with --mine)',
  examples: ['livedrop drops list --mine', 'livedrop drops list --status scheduled --limit 50', 'livedrop drops list --mine --status live --json'],
  configure: (cmd) =>
    void limitOption(ownerOptions(cmd.option('--status <status>', `only drops in this status (${STATUSES.join(', ')})`), 'drops')),
  parse({ opts }) {
    const status = str(opts, 'status')
    if (status !== undefined && !STATUSES.includes(status as DropStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${status}"`)
    return {
      status: status as DropStatus | undefined,
      creator: parseOwner(opts),
      limit: parseLimit(opts),
    }
  },
  async run(ctx, o) {
    const creatorId = await ownerId(ctx, o.creator)
    const items = await take(ctx.sdk().paginate('/v1/drops', { params: { query: { status: o.status, creatorId, limit: pageSize(o.limit) } } }), o.limit)
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
