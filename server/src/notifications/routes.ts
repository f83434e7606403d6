import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { listNotifications, markAllNotificationsRead, markNotificationRead, type NotificationsDeps } from './service'

export const notificationsRoutes = (deps: NotificationsDeps & AuthGuardDeps) =>
  new Elysia({ prefix: '/v1/me/notifications' })
    .use(authGuard(deps.tokens))
    .get('', ({ userId, query }) =>
      listNotifications(deps, userId, { unread: query.unread, limit: query.limit ?? 20, cursor: query.cursor }), { ...op.listNotifications, auth: true })
    .post('/read-all', async ({ userId, set }) => {
      await markAllNotificationsRead(deps, userId)
      set.status = 204
    }, { ...op.markAllNotificationsRead, auth: true })
    .post('/:notificationId/read', ({ userId, params }) => markNotificationRead(deps, userId, params.notificationId), { ...op.markNotificationRead, auth: true })
