import { defineCommand } from '../../command'
import { unwrap } from '../../errors'
import { id } from '../../parse'

export const redeliver = defineCommand<{ webhookId: string; deliveryId: string }>({
  name: 'redeliver <webhookId> <deliveryId>',
  summary: 'Send a delivery again now (same event id and body)',
  examples: ['livedrop webhooks redeliver <webhookId> <deliveryId>'],
  parse: ({ args }) => ({ webhookId: id(args[0], 'webhookId'), deliveryId: id(args[1], 'deliveryId') }),
  async run(ctx, o) {
    const d = unwrap(await ctx.authed().POST('/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
      params: { path: { webhookId: o.webhookId, deliveryId: o.deliveryId } },
    }))
    ctx.print(d, () => `${d.id}\n`)
    ctx.info(`${ctx.err.green('✓')} Queued ${d.eventType} ${d.eventId} again`)
  },
})
