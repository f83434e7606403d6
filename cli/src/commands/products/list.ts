import { defineCommand } from '../../command'
import { formatMoney, table } from '../../output'
import { limitOption, ownerId, ownerOptions, pageSize, parseLimit, parseOwner, take, type OwnedListOptions } from '../../list'
import { formatLocal } from '../../time'

export const listProducts = defineCommand<OwnedListOptions>({
  name: 'list',
  summary: 'List products (yours with --mine)',
  examples: ['livedrop products list --mine', 'livedrop products list --creator <creatorId> --limit 50', 'livedrop products list --mine --json'],
  configure: (cmd) => void limitOption(ownerOptions(cmd, 'products')),
  parse: ({ opts }) => ({ creator: parseOwner(opts), limit: parseLimit(opts) }),
  async run(ctx, o) {
    const creatorId = await ownerId(ctx, o.creator)
    const items = await take(ctx.sdk().paginate('/v1/products', { params: { query: { creatorId, limit: pageSize(o.limit) } } }), o.limit)
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'ID', value: (p) => p.id },
            { header: 'TITLE', value: (p) => p.title },
            { header: 'PRICE', value: (p) => formatMoney(p.priceCents, p.currency), align: 'right' },
            { header: 'CREATED', value: (p) => formatLocal(p.createdAt) },
          ], ctx.out))
    if (items.length === 0 && !ctx.json) ctx.info('No products')
  },
})
