import { defineCommand } from '../../command'
import { unwrap } from '../../errors'
import { requireStr, str } from '../../parse'
import { parseEvents, WEBHOOK_EVENTS, type WebhookEventType } from './events'

export interface CreateWebhookOptions {
  url: string
  events: WebhookEventType[]
  description?: string
}

export const createWebhook = defineCommand<CreateWebhookOptions>({
  name: 'create',
  summary: 'Register an https endpoint for events of your drops; prints its id and signing secret (shown once)',
  examples: [
    'livedrop webhooks create --url https://example.com/livedrop --events order.confirmed,drop.sold_out',
    'livedrop webhooks create --url https://example.com/hook --events all --json',
  ],
  configure: (cmd) =>
    cmd
      .option('--url <url>', 'https URL that receives the POSTs')
      .option('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}; or "all"`)
      .option('--description <text>', 'what it is for'),
  parse: ({ opts }) => ({
    url: requireStr(opts, 'url', '--url'),
    events: parseEvents(requireStr(opts, 'events', '--events')),
    description: str(opts, 'description'),
  }),
  async run(ctx, o) {
    const hook = unwrap(await ctx.authed().POST('/v1/webhooks', {
      body: { url: o.url, events: o.events, ...(o.description !== undefined ? { description: o.description } : {}) },
    }))
    ctx.print(hook, () => `${hook.id}\t${hook.secret}\n`)
    ctx.info(`${ctx.err.green('✓')} Created webhook ${hook.id} → ${hook.url}. Keep the secret now: it is not shown again.`)
  },
})
