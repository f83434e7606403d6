import type { Order } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import { formatMoney, table } from '../output'
import { id, int, str } from '../parse'
import { formatLocal } from '../time'

export interface ListOrdersOptions {
  dropId?: string
  limit: number
}

export const listOrders = defineCommand<ListOrdersOptions>({
  name: 'list',
  summary: 'List your orders, newest first',
  examples: ['livedrop orders list', 'livedrop orders list --drop <dropId> --json', 'livedrop orders list --limit 100'],
  configure: (cmd) => cmd.option('--drop <dropId>', 'only orders from this drop').option('--limit <n>', 'at most this many (default 20, up to 1000)'),
  parse: ({ opts }) => ({
    dropId: opts.drop !== undefined ? id(opts.drop, '--drop') : undefined,
    limit: int(str(opts, 'limit'), '--limit', 1, 1000) ?? 20,
  }),
  async run(ctx, o) {
    const sdk = ctx.authed()
    const items: Order[] = []
    // The API has no drop filter on this list: filter while walking the pages, stopping at --limit matches.
    for await (const order of sdk.paginate('/v1/me/orders', { params: { query: { limit: 100 } } })) {
      if (o.dropId && order.dropId !== o.dropId) continue
      items.push(order)
      if (items.length >= o.limit) break
    }
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
