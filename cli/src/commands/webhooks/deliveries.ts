import type { components } from '@livedrop/sdk'
import { defineCommand } from '../../command'
import { table } from '../../output'
import { limitOption, pageSize, parseLimit, take } from '../../list'
import { id } from '../../parse'

type WebhookDelivery = components['schemas']['WebhookDelivery']

const lastAttempt = (d: WebhookDelivery) => d.log[d.log.length - 1]

export const listDeliveries = defineCommand<{ webhookId: string; limit: number }>({
  name: 'deliveries <webhookId>',
  summary: "An endpoint's delivery log, newest first (status, attempts, last status code, latency, error)",
  examples: ['livedrop webhooks deliveries <webhookId>', 'livedrop webhooks deliveries <webhookId> --json'],
  configure: (cmd) => void limitOption(cmd),
  parse: ({ args, opts }) => ({ webhookId: id(args[0], 'webhookId'), limit: parseLimit(opts) }),
  async run(ctx, o) {
    const path = { webhookId: o.webhookId }
    const items = await take(ctx.authed().paginate('/v1/webhooks/{webhookId}/deliveries', { params: { path, query: { limit: pageSize(o.limit) } } }), o.limit)
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'ID', value: (d) => d.id },
            { header: 'EVENT', value: (d) => d.eventType },
            { header: 'STATUS', value: (d) => d.status },
            { header: 'ATTEMPTS', value: (d) => String(d.attempts), align: 'right' },
            { header: 'CODE', value: (d) => String(lastAttempt(d)?.statusCode ?? '-'), align: 'right' },
            { header: 'LATENCY', value: (d) => (lastAttempt(d) ? `${lastAttempt(d).latencyMs} ms` : '-'), align: 'right' },
            { header: 'ERROR', value: (d) => lastAttempt(d)?.error ?? '' },
          ], ctx.out))
    if (items.length === 0 && !ctx.json) ctx.info('No deliveries yet')
  },
})
