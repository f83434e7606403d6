import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { pageOf } from '../lib/pagination'
import {
  createWebhook, deleteWebhook, getWebhook, listWebhookDeliveries, listWebhooks, redeliverWebhookDelivery, rotateWebhookSecret, testWebhook,
  updateWebhook, type WebhooksDeps,
} from './service'

export const webhooksRoutes = (deps: WebhooksDeps & AuthGuardDeps) =>
  new Elysia({ prefix: '/v1/webhooks' })
    .use(authGuard(deps.tokens))
    .post('', async ({ userId, body, set }) => {
      const created = await createWebhook(deps, userId, body)
      set.status = 201
      return created
    }, { ...op.createWebhook, auth: true })
    .get('', ({ userId, query }) => listWebhooks(deps, userId, pageOf(query)), { ...op.listWebhooks, auth: true })
    .get('/:webhookId', ({ userId, params }) => getWebhook(deps, userId, params.webhookId), { ...op.getWebhook, auth: true })
    .patch('/:webhookId', ({ userId, params, body }) => updateWebhook(deps, userId, params.webhookId, body), { ...op.updateWebhook, auth: true })
    .delete('/:webhookId', async ({ userId, params, set }) => {
      await deleteWebhook(deps, userId, params.webhookId)
      set.status = 204
    }, { ...op.deleteWebhook, auth: true })
    .post('/:webhookId/rotate-secret', ({ userId, params }) => rotateWebhookSecret(deps, userId, params.webhookId), { ...op.rotateWebhookSecret, auth: true })
    .post('/:webhookId/test', async ({ userId, params, set }) => {
      const delivery = await testWebhook(deps, userId, params.webhookId)
      set.status = 202
      return delivery
    }, { ...op.testWebhook, auth: true })
    .get('/:webhookId/deliveries', ({ userId, params, query }) =>
      listWebhookDeliveries(deps, userId, params.webhookId, pageOf(query)), { ...op.listWebhookDeliveries, auth: true })
    .post('/:webhookId/deliveries/:deliveryId/redeliver', async ({ userId, params, set }) => {
      const delivery = await redeliverWebhookDelivery(deps, userId, params.webhookId, params.deliveryId)
      set.status = 202
      return delivery
    }, { ...op.redeliverWebhookDelivery, auth: true })
