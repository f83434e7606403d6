import type { CommandGroup } from '../../command'
import { createWebhook } from './create'
import { deleteWebhook } from './delete'
import { listDeliveries } from './deliveries'
import { listWebhooks } from './list'
import { redeliver } from './redeliver'

export { parseEvents, WEBHOOK_EVENTS, type WebhookEventType } from './events'

export const webhooksCommands: CommandGroup = {
  name: 'webhooks',
  summary: 'Endpoints that receive the events of your drops',
  commands: [createWebhook, listWebhooks, deleteWebhook, listDeliveries, redeliver],
}
