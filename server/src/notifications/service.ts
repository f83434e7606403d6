import type { Sql } from '../db'
import { notFound } from '../errors'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { Notification } from '../contract/schemas.gen'
import * as repo from './repo'

export interface NotificationsDeps {
  sql: Sql
}

export const toNotification = (r: repo.NotificationRow): Notification => ({
  id: r.id,
  type: r.type as Notification['type'],
  data: r.data,
  readAt: r.readAt ? r.readAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
})

export async function listNotifications(deps: NotificationsDeps, userId: string, q: { unread?: boolean; limit: number; cursor?: string }): Promise<Page<Notification>> {
  const after = decodeCursor(q.cursor, ['int'])
  const rows = await repo.listNotifications(deps.sql, userId, { unread: q.unread, after, limit: q.limit })
  return toPage(rows, q.limit, toNotification, (r) => [Number(r.eventSeq)])
}

export async function markNotificationRead(deps: NotificationsDeps, userId: string, id: string): Promise<Notification> {
  const row = await repo.markRead(deps.sql, userId, id)
  if (!row) throw notFound('notification')
  return toNotification(row)
}

/** → how many were unread */
export const markAllNotificationsRead = (deps: NotificationsDeps, userId: string): Promise<number> => repo.markAllRead(deps.sql, userId)

export const unreadNotificationCount = (deps: NotificationsDeps, userId: string): Promise<number> => repo.countUnread(deps.sql, userId)
