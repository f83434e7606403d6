import type { Sql, Tx } from '../db'

/** An outbox row once the relay has numbered it. `seq` is the public event id (Last-Event-ID). */
export interface EventRow {
  seq: number
  type: string
  dropId: string | null
  userId: string | null
  creatorId: string | null
  data: Record<string, unknown>
  createdAt: Date
}

const COLUMNS = (sql: Tx) => sql`seq::float8 as seq, type, drop_id, user_id, creator_id, data, created_at`

export async function hasUnnumbered(sql: Tx): Promise<boolean> {
  const [row] = await sql<{ pending: boolean }[]>`select exists (select 1 from outbox where seq is null) as pending`
  return row.pending
}

/**
 * Numbers committed, not yet numbered rows: seq = current max + 1, 2, … in id order. Only ever run while
 * holding the relay's transaction-scoped advisory lock (see relay.ts): with two numberers at once, both could
 * read the same max. Because the lock is held until commit, the next numberer's max already includes these,
 * so seqs are dense and increase in commit order of the numbering transactions. Rows of transactions still in
 * flight are invisible here and get a later seq when they commit — which is the point (see 0003_live.sql).
 */
export async function numberPending(tx: Tx, limit: number): Promise<EventRow[]> {
  const rows = await tx<EventRow[]>`
    with next as (
      select id, row_number() over (order by id) as rn
      from (select id from outbox where seq is null order by id limit ${limit}) p
    ), base as (
      select coalesce(max(seq), 0) as b from outbox where seq is not null
    )
    update outbox o set seq = base.b + next.rn
    from next, base
    where o.id = next.id
    returning ${COLUMNS(tx)}`
  return rows.sort((a, b) => a.seq - b.seq)
}

export async function tryRelayLock(tx: Tx): Promise<boolean> {
  const [row] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('livedrop:outbox-relay')) as locked`
  return row.locked
}

/** The newest numbered event (0 when none): everything up to it is committed and readable. */
export async function headSeq(sql: Tx): Promise<number> {
  const [row] = await sql<{ seq: number }[]>`select coalesce(max(seq), 0)::float8 as seq from outbox where seq is not null`
  return row.seq
}

/** The oldest event still kept for replay (0 when none). */
export async function oldestSeq(sql: Tx): Promise<number> {
  const [row] = await sql<{ seq: number }[]>`select coalesce(min(seq), 0)::float8 as seq from outbox where seq is not null`
  return row.seq
}

export async function eventsBetween(sql: Tx, after: number, upTo: number, limit: number): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select ${COLUMNS(sql)} from outbox
    where seq > ${after} and seq <= ${upTo}
    order by seq limit ${limit}`
}

/** What a drop stream shows, after `after`: the drop's own events and the orders that moved its stock. */
export async function dropEventsAfter(sql: Tx, dropId: string, after: number, upTo: number, limit: number): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select ${COLUMNS(sql)} from outbox
    where drop_id = ${dropId} and seq > ${after} and seq <= ${upTo}
    order by seq limit ${limit}`
}

/**
 * What a personal stream shows, after `after`: the user's orders, drop.live of creators the user follows and
 * drop.sold_out of drops the user holds a confirmed order of. Three index-backed branches; they are disjoint
 * by type, so union all cannot duplicate.
 */
export async function userEventsAfter(sql: Tx, userId: string, after: number, upTo: number, limit: number): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select * from (
      (select ${COLUMNS(sql)} from outbox
        where user_id = ${userId} and seq > ${after} and seq <= ${upTo} and type in ('order.confirmed', 'order.cancelled'))
      union all
      (select ${COLUMNS(sql)} from outbox
        where type = 'drop.live' and seq > ${after} and seq <= ${upTo}
          and creator_id in (select creator_id from follows where follower_id = ${userId}))
      union all
      (select ${COLUMNS(sql)} from outbox
        where type = 'drop.sold_out' and seq > ${after} and seq <= ${upTo}
          and drop_id in (select drop_id from orders where user_id = ${userId} and status = 'confirmed'))
    ) e
    order by seq limit ${limit}`
}

export interface DropState {
  id: string
  creatorId: string
  status: string
  availableStock: number
  lowStockThreshold: number | null
}

/** Only the columns the live feature may rely on (id, creator_id, status, available_stock, low_stock_threshold). */
export async function findDropState(sql: Tx, dropId: string): Promise<DropState | undefined> {
  const [row] = await sql<DropState[]>`
    select id, creator_id, status, available_stock, low_stock_threshold from drops where id = ${dropId}`
  return row
}

/** Which of the users connected to this instance follow the creator (index probes on follows' primary key). */
export async function followersAmong(sql: Tx, creatorId: string, userIds: string[]): Promise<string[]> {
  const rows = await sql<{ followerId: string }[]>`
    select follower_id from follows where creator_id = ${creatorId} and follower_id = any(${userIds}::uuid[])`
  return rows.map((r) => r.followerId)
}

export async function buyersAmong(sql: Tx, dropId: string, userIds: string[]): Promise<string[]> {
  const rows = await sql<{ userId: string }[]>`
    select distinct user_id from orders where drop_id = ${dropId} and status = 'confirmed' and user_id = any(${userIds}::uuid[])`
  return rows.map((r) => r.userId)
}

/**
 * Drops events older than the replay window once their notifications are written. The newest row always stays:
 * numbering continues from max(seq), so an empty table would restart ids at 1.
 */
export async function prune(sql: Sql, retentionSec: number): Promise<number> {
  const res = await sql`
    delete from outbox
    where seq is not null
      and created_at < now() - make_interval(secs => ${retentionSec})
      and seq <= (select seq from outbox_cursors where name = 'notified')
      and seq < (select max(seq) from outbox where seq is not null)`
  return res.count
}

// ---- realtime tickets ----

export async function insertTicket(
  sql: Tx,
  hash: Uint8Array,
  t: { userId: string; sessionId: string | null; expiresAtMs: number | null },
  ttlSec: number,
): Promise<Date> {
  // Expired tickets go with each issue; the index keeps that cheap.
  await sql`delete from realtime_tickets where expires_at < now()`
  const [row] = await sql<{ expiresAt: Date }[]>`
    insert into realtime_tickets (ticket_hash, user_id, expires_at, session_id, access_expires_at)
    values (${Buffer.from(hash)}, ${t.userId}, now() + make_interval(secs => ${ttlSec}), ${t.sessionId},
            ${t.expiresAtMs === null ? null : new Date(t.expiresAtMs)})
    returning expires_at`
  return row.expiresAt
}

/** Single use: the DELETE is the redemption, so two concurrent redemptions cannot both get the user. */
export async function redeemTicket(sql: Tx, hash: Uint8Array): Promise<{ userId: string; sessionId: string | null; expiresAtMs: number | null } | null> {
  const [row] = await sql<{ userId: string; valid: boolean; sessionId: string | null; accessExpiresAt: Date | null }[]>`
    delete from realtime_tickets where ticket_hash = ${Buffer.from(hash)}
    returning user_id, expires_at > now() as valid, session_id, access_expires_at`
  if (!row?.valid) return null
  return { userId: row.userId, sessionId: row.sessionId, expiresAtMs: row.accessExpiresAt?.getTime() ?? null }
}
