import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { listNotifications, markAllNotificationsRead, markNotificationRead, type NotificationsDeps } from './service'
import { pageOf } from '../lib/pagination'

export const notificationsRoutes = (deps: NotificationsDeps & AuthGuardDeps) =>
  new Elysia({ prefix: '/v1/me/notifications' })
    .use(authGuard(deps.tokens))
    .get('', ({ userId, query }) =>
      listNotifications(deps, userId, { unread: query.unread, ...pageOf(query) }), { ...op.listNotifications, auth: true })
    .post('/read-all', async ({ userId, set }) => {
      await markAllNotificationsRead(deps, userId)
      set.status = 204
    }, { ...op.markAllNotificationsRead, auth: true })
    .post('/:notificationId/read', ({ userId, params }) => markNotificationRead(deps, userId, params.notificationId), { ...op.markNotificationRead, auth: true })
