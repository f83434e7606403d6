import { defineCommand } from '../../command'
import { table } from '../../output'
import { limitOption, pageSize, parseLimit, take } from '../../list'
import { formatLocal } from '../../time'

export const listWebhooks = defineCommand<{ limit: number }>({
  name: 'list',
  summary: 'Your webhook endpoints',
  examples: ['livedrop webhooks list', 'livedrop webhooks list --json'],
  configure: (cmd) => void limitOption(cmd),
  parse: ({ opts }) => ({ limit: parseLimit(opts) }),
  async run(ctx, o) {
    const items = await take(ctx.authed().paginate('/v1/webhooks', { params: { query: { limit: pageSize(o.limit) } } }), o.limit)
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'ID', value: (w) => w.id },
            { header: 'URL', value: (w) => w.url },
            { header: 'EVENTS', value: (w) => w.events.join(',') },
            { header: 'STATE', value: (w) => (w.enabled ? 'enabled' : `disabled ${w.disabledAt ? formatLocal(w.disabledAt) : ''}`.trim()) },
          ], ctx.out))
    if (items.length === 0 && !ctx.json) ctx.info('No webhooks')
  },
})
