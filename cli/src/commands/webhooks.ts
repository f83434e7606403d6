import { ENUMS, type components } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import { UsageError, unwrap } from '../errors'
import { table } from '../output'
import { id, int, requireStr, str } from '../parse'
import { formatLocal } from '../time'

type Webhook = components['schemas']['Webhook']
type WebhookDelivery = components['schemas']['WebhookDelivery']
type WebhookEventType = components['schemas']['WebhookEventType']

/** The contract's list, in its order (also the order `--events all` expands to). */
export const WEBHOOK_EVENTS: readonly WebhookEventType[] = ENUMS.WebhookEventType

export function parseEvents(raw: string): WebhookEventType[] {
  if (raw.trim() === 'all') return [...WEBHOOK_EVENTS]
  const events = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))]
  if (!events.length) throw new UsageError('--events: name at least one event, or "all"')
  const unknown = events.filter((e) => !WEBHOOK_EVENTS.includes(e as WebhookEventType))
  if (unknown.length) throw new UsageError(`--events: unknown event ${unknown.join(', ')}`, `Events: ${WEBHOOK_EVENTS.join(', ')}, or "all".`)
  return events as WebhookEventType[]
}

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

export const listWebhooks = defineCommand<{ limit: number }>({
  name: 'list',
  summary: 'Your webhook endpoints',
  examples: ['livedrop webhooks list', 'livedrop webhooks list --json'],
  configure: (cmd) => cmd.option('--limit <n>', 'at most this many (default 20, up to 1000)'),
  parse: ({ opts }) => ({ limit: int(str(opts, 'limit'), '--limit', 1, 1000) ?? 20 }),
  async run(ctx, o) {
    const items: Webhook[] = []
    for await (const w of ctx.authed().paginate('/v1/webhooks', { params: { query: { limit: Math.min(100, o.limit) } } })) {
      items.push(w)
      if (items.length >= o.limit) break
    }
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

const lastAttempt = (d: WebhookDelivery) => d.log[d.log.length - 1]

export const listDeliveries = defineCommand<{ webhookId: string; limit: number }>({
  name: 'deliveries <webhookId>',
  summary: "An endpoint's delivery log, newest first (status, attempts, last status code, latency, error)",
  examples: ['livedrop webhooks deliveries <webhookId>', 'livedrop webhooks deliveries <webhookId> --json'],
  configure: (cmd) => cmd.option('--limit <n>', 'at most this many (default 20, up to 1000)'),
  parse: ({ args, opts }) => ({ webhookId: id(args[0], 'webhookId'), limit: int(str(opts, 'limit'), '--limit', 1, 1000) ?? 20 }),
  async run(ctx, o) {
    const items: WebhookDelivery[] = []
    const path = { webhookId: o.webhookId }
    for await (const d of ctx.authed().paginate('/v1/webhooks/{webhookId}/deliveries', { params: { path, query: { limit: Math.min(100, o.limit) } } })) {
      items.push(d)
      if (items.length >= o.limit) break
    }
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

export const webhooksCommands: CommandGroup = {
  name: 'webhooks',
  summary: 'Endpoints that receive the events of your drops',
  commands: [createWebhook, listWebhooks, deleteWebhook, listDeliveries, redeliver],
}
