import { defineCommand, type CommandGroup } from '../command'
import { formatMoney, table } from '../output'
import { LARGEST_PAGE, limitOption, parseLimit, take } from '../list'
import { id } from '../parse'
import { formatLocal } from '../time'

export interface ListOrdersOptions {
  dropId?: string
  limit: number
}

export const listOrders = defineCommand<ListOrdersOptions>({
  name: 'list',
  summary: 'List your orders, newest first',
  examples: ['livedrop orders list', 'livedrop orders list --drop <dropId> --json', 'livedrop orders list --limit 100'],
  configure: (cmd) => void limitOption(cmd.option('--drop <dropId>', 'only orders from this drop')),
  parse: ({ opts }) => ({
    dropId: opts.drop !== undefined ? id(opts.drop, '--drop') : undefined,
    limit: parseLimit(opts),
  }),
  async run(ctx, o) {
    const sdk = ctx.authed()
    // The API has no drop filter on this list: filter while walking the pages, stopping at --limit matches.
    const items = await take(sdk.paginate('/v1/me/orders', { params: { query: { limit: LARGEST_PAGE } } }), o.limit, (order) => !o.dropId || order.dropId === o.dropId)
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'ID', value: (x) => x.id },
            { header: 'DROP', value: (x) => x.dropId },
            { header: 'QTY', value: (x) => String(x.quantity), align: 'right' },
            { header: 'TOTAL', value: (x) => formatMoney(x.totalCents, x.currency), align: 'right' },
            { header: 'STATUS', value: (x) => (x.status === 'confirmed' ? ctx.out.green(x.status) : ctx.out.dim(x.status)) },
            { header: 'AT', value: (x) => formatLocal(x.createdAt) },
          ], ctx.out))
    if (items.length === 0 && !ctx.json) ctx.info('No orders')
  },
})

export const ordersCommands: CommandGroup = { name: 'orders', summary: 'Orders', commands: [listOrders] }
