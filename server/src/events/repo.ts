import type { Sql, Tx } from '../db'
import { WebhookEventType } from '../contract/schemas.gen'

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

/**
 * Is anything waiting to be numbered among the rows written by transactions from `fromXid` on? (Below that
 * key lie only rows numbered for good, and their dead index entries: 0004_live_resilience.sql.) Also → the
 * xmin of the same snapshot: when nothing is pending, every row older than it is numbered for good.
 */
export async function pendingSince(sql: Tx, fromXid: string): Promise<{ pending: boolean; xmin: string }> {
  const [row] = await sql<{ pending: boolean; xmin: string }[]>`
    select exists (select 1 from outbox where seq is null and xid >= ${fromXid}::xid8) as pending,
           pg_snapshot_xmin(pg_current_snapshot())::text as xmin`
  return row
}

/**
 * The oldest transaction still running, cluster-wide (read-only ones have no xid and do not count). Every
 * row written by an older transaction is committed and visible to any later statement, or rolled back.
 */
export async function snapshotXmin(tx: Tx): Promise<string> {
  const [row] = await tx<{ xmin: string }[]>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`
  return row.xmin
}

/**
 * Numbers committed, not yet numbered rows (written from `fromXid` on): seq = current max + 1, 2, … in id
 * order. Only ever run while holding the relay's transaction-scoped advisory lock (see relay.ts): with two
 * numberers at once, both could read the same max. Because the lock is held until commit, the next
 * numberer's max already includes these, so seqs are dense and increase in commit order of the numbering
 * transactions. Rows of transactions still in flight are invisible here and get a later seq when they
 * commit — which is the point (see 0003_live.sql).
 */
export async function numberPending(tx: Tx, fromXid: string, limit: number): Promise<EventRow[]> {
  const rows = await tx<EventRow[]>`
    with next as (
      select id, row_number() over (order by id) as rn
      from (select id from outbox where seq is null and xid >= ${fromXid}::xid8 order by id limit ${limit}) p
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

/**
 * A drop stream's replay after `after`: the drop's own events (drop.live, drop.low_stock, …), through the
 * partial index that leaves the orders out, so a client a second behind on a hot drop does not read the
 * thousand orders in between. Their effect on the stock comes from dropStockAfter.
 */
export async function dropEventsAfter(sql: Tx, dropId: string, after: number, upTo: number, limit: number): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select ${COLUMNS(sql)} from outbox
    where drop_id = ${dropId} and seq > ${after} and seq <= ${upTo}
      and type not in ('order.confirmed', 'order.cancelled')
    order by seq limit ${limit}`
}

/** The newest order event of the drop in (after, upTo]: the stock it left, and its seq (the frame's id). */
export async function dropStockAfter(sql: Tx, dropId: string, after: number, upTo: number): Promise<EventRow | undefined> {
  const [row] = await sql<EventRow[]>`
    select ${COLUMNS(sql)} from outbox
    where drop_id = ${dropId} and seq > ${after} and seq <= ${upTo} and type in ('order.confirmed', 'order.cancelled')
    order by seq desc limit 1`
  return row
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

/** The events a creator's webhooks can receive: the contract's WebhookEventType. */
export const WEBHOOK_EVENT_TYPES: string[] = WebhookEventType.anyOf.map((t) => t.const)

/**
 * What the webhook event stream shows, after `after`: the webhook event types of the creator's own drops. The
 * creator comes from the drop (order events carry the buyer), as in the webhook fan-out; per drop through the
 * (drop_id, seq) index.
 */
export async function creatorEventsAfter(sql: Tx, creatorId: string, after: number, upTo: number, limit: number): Promise<EventRow[]> {
  return sql<EventRow[]>`
    select ${COLUMNS(sql)} from outbox
    where drop_id in (select id from drops where creator_id = ${creatorId})
      and seq > ${after} and seq <= ${upTo} and type = any(${WEBHOOK_EVENT_TYPES}::text[])
    order by seq limit ${limit}`
}

/** Every drop of the creator (events/creator-drops.ts). */
export async function dropIdsOf(sql: Tx, creatorId: string): Promise<string[]> {
  return (await sql<{ id: string }[]>`select id from drops where creator_id = ${creatorId}`).map((r) => r.id)
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

/**
 * What a user with a stream here cares about (events/interests.ts), in one statement: the creators they
 * follow, and the live drops they hold confirmed orders of (how many orders).
 */
export async function interestsOf(sql: Tx, userId: string): Promise<Array<{ kind: 'follow' | 'orders'; id: string; n: number }>> {
  return sql<Array<{ kind: 'follow' | 'orders'; id: string; n: number }>>`
    select 'follow' as kind, creator_id as id, 1 as n from follows where follower_id = ${userId}
    union all
    select 'orders', o.drop_id, count(*)::int from orders o join drops d on d.id = o.drop_id
    where o.user_id = ${userId} and o.status = 'confirmed' and d.status = 'live'
    group by o.drop_id`
}

/**
 * Drops events older than the replay window once every background consumer has passed them, always as a prefix of
 * seq: a stream resuming after id n replays n+1… only when n+1 is still the oldest kept (service.ts), so a
 * hole in the middle would lose events silently instead of answering `reset`. created_at is when the
 * writing transaction started, not when its event became visible: a late commit carries an old created_at
 * and a new seq. So the cut is the first event still inside the window, by seq: everything before it goes,
 * everything from it on stays (old late commits included). The newest row always stays: numbering
 * continues from max(seq), so an empty table would restart ids at 1. In slices of `batch` rows, so that no
 * statement runs long. → rows deleted.
 */
export async function prune(sql: Sql, retentionSec: number, batch = 10_000): Promise<number> {
  let total = 0
  for (;;) {
    const res = await sql`
      with keep as (
        select least(
          coalesce((select seq from outbox where seq is not null and created_at >= now() - make_interval(secs => ${retentionSec})
                    order by seq limit 1), 'infinity'::numeric),
          -- Every consumer with a cursor (the notifier, the webhook fan-out, any added later): the slowest one
          -- decides. A consumer that stops keeps the events it has not read; consumerLag() makes that visible.
          (select min(seq) + 1 from outbox_cursors),
          (select max(seq) from outbox where seq is not null)) as first_kept
      ), doomed as (
        select id from outbox, keep where seq is not null and seq < keep.first_kept order by seq limit ${batch}
      )
      delete from outbox where id in (select id from doomed)`
    total += res.count
    if (res.count < batch) return total
  }
}

export interface ConsumerLag {
  consumer: string
  /** numbered events the consumer has not processed yet */
  events: number
  /** how long the oldest of them has been waiting (0 when none) */
  seconds: number
}

/**
 * How far each outbox consumer (outbox_cursors) is behind the head. A consumer that stopped holds back
 * pruning (prune() keeps what it has not read): the relay logs a warning and /metrics shows the figures.
 */
export async function consumerLag(sql: Tx): Promise<ConsumerLag[]> {
  return sql<ConsumerLag[]>`
    select c.name as consumer,
      greatest(h.head - c.seq, 0)::float8 as events,
      coalesce(extract(epoch from now() - (select created_at from outbox where seq = c.seq + 1)), 0)::float8 as seconds
    from outbox_cursors c, (select coalesce(max(seq), 0) as head from outbox where seq is not null) h
    order by c.name`
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
