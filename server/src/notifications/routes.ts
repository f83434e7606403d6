import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { NotificationsService } from './service'

export const notificationsRoutes = (notifications: NotificationsService, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/me/notifications' })
    .use(authGuard(tokens))
    .get('', ({ userId, query }) =>
      notifications.list(userId, { unread: query.unread, limit: query.limit ?? 20, cursor: query.cursor }), { ...op.listNotifications, auth: true })
    .post('/read-all', async ({ userId, set }) => {
      await notifications.markAllRead(userId)
      set.status = 204
    }, { ...op.markAllNotificationsRead, auth: true })
    .post('/:notificationId/read', ({ userId, params }) => notifications.markRead(userId, params.notificationId), { ...op.markNotificationRead, auth: true })
