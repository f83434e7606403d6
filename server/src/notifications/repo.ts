import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'

export interface NotificationRow {
  id: string
  userId: string
  type: string
  data: Record<string, unknown>
  eventSeq: string
  readAt: Date | null
  createdAt: Date
}

/**
 * Newest first, in event order: `event_seq` is the order the events happened in (unique per user), whereas
 * UUIDv7 ids written in one millisecond by one notifier pass are ordered by their random bits.
 */
export async function listNotifications(sql: Tx, userId: string, q: { unread?: boolean; after: CursorKey | null; limit: number }): Promise<NotificationRow[]> {
  return sql<NotificationRow[]>`
    select * from notifications
    where user_id = ${userId}
      ${q.unread === true ? sql`and read_at is null` : q.unread === false ? sql`and read_at is not null` : sql``}
      ${q.after ? sql`and event_seq < ${q.after[0] as number}` : sql``}
    order by event_seq desc
    limit ${q.limit + 1}`
}

/** Idempotent: a second call keeps the first readAt. Scoped to the owner, so another user's id is "not found". */
export async function markRead(sql: Tx, userId: string, id: string): Promise<NotificationRow | undefined> {
  const [row] = await sql<NotificationRow[]>`
    update notifications set read_at = coalesce(read_at, now())
    where id = ${id} and user_id = ${userId}
    returning *`
  return row
}

export async function markAllRead(sql: Tx, userId: string): Promise<number> {
  const res = await sql`update notifications set read_at = now() where user_id = ${userId} and read_at is null`
  return res.count
}

export async function countUnread(sql: Tx, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`
  return row.n
}

// ---- the notifier's statements (set-based: one statement per event, whatever the number of recipients) ----

/** What the notifier needs to route an event; the payload stays in the database (see the inserts below). */
export interface OutboxEventRow {
  seq: string
  type: string
  dropId: string | null
  userId: string | null
  creatorId: string | null
}

/** Takes the notifier's cursor row lock: whoever holds it is the only notifier until commit. */
export async function lockNotifiedCursor(tx: Tx): Promise<bigint | null> {
  const [row] = await tx<{ seq: string }[]>`select seq from outbox_cursors where name = 'notified' for update skip locked`
  return row ? BigInt(row.seq) : null
}

export async function nextNotifiableEvents(tx: Tx, after: bigint, limit: number): Promise<OutboxEventRow[]> {
  return tx<OutboxEventRow[]>`
    select seq, type, drop_id, user_id, creator_id from outbox
    where seq > ${after.toString()} and seq is not null
    order by seq
    limit ${limit}`
}

export async function setNotifiedCursor(tx: Tx, seq: string): Promise<void> {
  await tx`update outbox_cursors set seq = ${seq} where name = 'notified'`
}

/** Every follower of the creator, in one INSERT … SELECT (100,000 followers = one statement, not 100,000). */
export async function notifyFollowers(tx: Tx, e: OutboxEventRow): Promise<number> {
  const res = await tx`
    insert into notifications (id, user_id, type, data, event_seq)
    select livedrop_uuidv7(), f.follower_id, o.type, o.data, o.seq
    from outbox o join follows f on f.creator_id = o.creator_id
    where o.seq = ${e.seq}
    on conflict (user_id, event_seq) do nothing`
  return res.count
}

/** Everyone holding a confirmed order of the drop. */
export async function notifyBuyers(tx: Tx, e: OutboxEventRow): Promise<number> {
  const res = await tx`
    insert into notifications (id, user_id, type, data, event_seq)
    select livedrop_uuidv7(), b.user_id, o.type, o.data, o.seq
    from outbox o cross join (select distinct user_id from orders where drop_id = ${e.dropId} and status = 'confirmed') b
    where o.seq = ${e.seq}
    on conflict (user_id, event_seq) do nothing`
  return res.count
}

/**
 * The user's own events of a range of seqs (a buyer's orders; a creator's webhook endpoint disabled), in one INSERT … SELECT straight from the outbox: during a
 * rush there is one per order, and one statement per event (and its payload through the notifier) was a
 * database round trip per order.
 */
export async function notifyOrderEvents(tx: Tx, afterSeq: bigint, lastSeq: string): Promise<number> {
  const res = await tx`
    insert into notifications (id, user_id, type, data, event_seq)
    select livedrop_uuidv7(), user_id, type, data, seq from outbox
    where seq > ${afterSeq.toString()} and seq <= ${lastSeq} and type in ('order.confirmed', 'order.cancelled', 'webhook.disabled') and user_id is not null
    on conflict (user_id, event_seq) do nothing`
  return res.count
}
