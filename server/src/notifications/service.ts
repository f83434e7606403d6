import type { Sql } from '../db'
import { notFound } from '../errors'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { Notification } from '../contract/schemas.gen'
import * as repo from './repo'

export interface NotificationsService {
  list(userId: string, q: { unread?: boolean; limit: number; cursor?: string }): Promise<Page<Notification>>
  markRead(userId: string, id: string): Promise<Notification>
  markAllRead(userId: string): Promise<number>
  unreadCount(userId: string): Promise<number>
}

export const toNotification = (r: repo.NotificationRow): Notification => ({
  id: r.id,
  type: r.type as Notification['type'],
  data: r.data,
  readAt: r.readAt ? r.readAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
})

export function createNotificationsService(deps: { sql: Sql }): NotificationsService {
  const { sql } = deps
  return {
    async list(userId, q) {
      const after = decodeCursor(q.cursor, ['int'])
      const rows = await repo.listNotifications(sql, userId, { unread: q.unread, after, limit: q.limit })
      return toPage(rows, q.limit, toNotification, (r) => [Number(r.eventSeq)])
    },
    async markRead(userId, id) {
      const row = await repo.markRead(sql, userId, id)
      if (!row) throw notFound('notification')
      return toNotification(row)
    },
    markAllRead: (userId) => repo.markAllRead(sql, userId),
    unreadCount: (userId) => repo.countUnread(sql, userId),
  }
}
