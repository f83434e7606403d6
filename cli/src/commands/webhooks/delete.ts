import { defineCommand } from '../../command'
import { unwrap } from '../../errors'
import { id } from '../../parse'

export const deleteWebhook = defineCommand<{ webhookId: string }>({
  name: 'delete <webhookId>',
  summary: 'Remove an endpoint (nothing more is sent to it)',
  examples: ['livedrop webhooks delete <webhookId>'],
  parse: ({ args }) => ({ webhookId: id(args[0], 'webhookId') }),
  async run(ctx, o) {
    const res = await ctx.authed().DELETE('/v1/webhooks/{webhookId}', { params: { path: { webhookId: o.webhookId } } })
    // 204: no body to unwrap, only a refusal to turn into its error.
    if (!res.response.ok) unwrap(res)
    ctx.print({ id: o.webhookId, deleted: true }, () => '')
    ctx.info(`${ctx.err.green('✓')} Deleted webhook ${o.webhookId}`)
  },
})
