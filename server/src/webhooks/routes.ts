import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { WebhooksService } from './service'

export const webhooksRoutes = (webhooks: WebhooksService, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/webhooks' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      const created = await webhooks.create(userId, body)
      set.status = 201
      return created
    }, { ...op.createWebhook, auth: true })
    .get('', ({ userId, query }) => webhooks.list(userId, { limit: query.limit ?? 20, cursor: query.cursor }), { ...op.listWebhooks, auth: true })
    .get('/:webhookId', ({ userId, params }) => webhooks.get(userId, params.webhookId), { ...op.getWebhook, auth: true })
    .patch('/:webhookId', ({ userId, params, body }) => webhooks.update(userId, params.webhookId, body), { ...op.updateWebhook, auth: true })
    .delete('/:webhookId', async ({ userId, params, set }) => {
      await webhooks.remove(userId, params.webhookId)
      set.status = 204
    }, { ...op.deleteWebhook, auth: true })
    .post('/:webhookId/rotate-secret', ({ userId, params }) => webhooks.rotateSecret(userId, params.webhookId), { ...op.rotateWebhookSecret, auth: true })
    .post('/:webhookId/test', async ({ userId, params, set }) => {
      const delivery = await webhooks.test(userId, params.webhookId)
      set.status = 202
      return delivery
    }, { ...op.testWebhook, auth: true })
    .get('/:webhookId/deliveries', ({ userId, params, query }) =>
      webhooks.deliveries(userId, params.webhookId, { limit: query.limit ?? 20, cursor: query.cursor }), { ...op.listWebhookDeliveries, auth: true })
    .post('/:webhookId/deliveries/:deliveryId/redeliver', async ({ userId, params, set }) => {
      const delivery = await webhooks.redeliver(userId, params.webhookId, params.deliveryId)
      set.status = 202
      return delivery
    }, { ...op.redeliverWebhookDelivery, auth: true })
