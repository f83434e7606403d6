import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'
import { eventTrace, outboxInsert } from '../platform/outbox'
import type { ExistingKey } from './allocate'
import type { Order } from '../contract/schemas.gen'

export interface OrderRow {
  id: string
  dropId: string
  userId: string
  quantity: number
  unitPriceCents: number
  totalCents: number
  currency: string
  status: Order['status']
  createdAt: Date
  cancelledAt: Date | null
}

export interface KeyRow {
  fingerprint: Buffer
  responseStatus: number | null
  responseBody: string | null
  held: boolean
  remainingSec: number | null
  expired: boolean
}

/** Claims a fresh key with a lease. → false when the key already exists (then see readKey). */
export async function claimKey(sql: Tx, k: { userId: string; key: string; fingerprint: Buffer; lease: string; leaseSec: number }): Promise<boolean> {
  const rows = await sql`
    insert into idempotency_keys (user_id, key, fingerprint, lease, locked_until)
    values (${k.userId}, ${k.key}, ${k.fingerprint}, ${k.lease}, now() + make_interval(secs => ${k.leaseSec}))
    on conflict (user_id, key) do nothing
    returning 1`
  return rows.length === 1
}

export async function readKey(sql: Tx, userId: string, key: string): Promise<KeyRow | undefined> {
  const [row] = await sql<KeyRow[]>`
    select fingerprint, response_status, response_body,
      coalesce(locked_until > now(), false) as held,
      extract(epoch from (locked_until - now()))::float8 as remaining_sec,
      created_at < now() - interval '24 hours' as expired
    from idempotency_keys where user_id = ${userId} and key = ${key}`
  return row
}

/**
 * Takes over a key whose request died mid-way (lease expired, no stored response). Conditional, so of
 * several retries racing for it exactly one wins.
 */
export async function takeOverKey(sql: Tx, k: { userId: string; key: string; lease: string; leaseSec: number }): Promise<boolean> {
  const rows = await sql`
    update idempotency_keys set lease = ${k.lease}, locked_until = now() + make_interval(secs => ${k.leaseSec})
    where user_id = ${k.userId} and key = ${k.key} and response_status is null and (locked_until is null or locked_until <= now())
    returning 1`
  return rows.length === 1
}

/** Whether this request still holds its key (a retry may have taken it over while it stalled). */
export async function holdsLease(sql: Tx, userId: string, key: string, lease: string): Promise<boolean> {
  const rows = await sql`select 1 from idempotency_keys where user_id = ${userId} and key = ${key} and lease = ${lease}`
  return rows.length === 1
}

export async function deleteExpiredKey(sql: Tx, userId: string, key: string): Promise<void> {
  await sql`delete from idempotency_keys where user_id = ${userId} and key = ${key} and created_at < now() - interval '24 hours'`
}

/** Stores a final answer (refusals included) — only while this request still holds the lease. */
export async function completeKey(sql: Tx, k: { userId: string; key: string; lease: string; status: number; body: string }): Promise<boolean> {
  const rows = await sql`
    update idempotency_keys
    set response_status = ${k.status}, response_body = ${k.body}, completed_at = now(), lease = null, locked_until = null
    where user_id = ${k.userId} and key = ${k.key} and lease = ${k.lease}
    returning 1`
  return rows.length === 1
}

/** After an unexpected failure: free the key at once so that the client's retry runs instead of waiting out the lease. */
export async function releaseKey(sql: Tx, k: { userId: string; key: string; lease: string }): Promise<void> {
  await sql`update idempotency_keys set lease = null, locked_until = null where user_id = ${k.userId} and key = ${k.key} and lease = ${k.lease} and response_status is null`
}

/**
 * Deletes at most `limit` idempotency keys past their 24 h → how many. One bounded batch per call (the caller
 * loops): each statement stays far below the statement timeout and holds its row locks briefly, whatever
 * the backlog. The ctid list comes from the created_at index.
 */
export async function deleteExpiredKeys(sql: Tx, limit = 5000): Promise<number> {
  const r = await sql`
    delete from idempotency_keys
    where ctid = any(array(select ctid from idempotency_keys where created_at < now() - interval '24 hours' limit ${limit}))`
  return r.count
}

export interface PlacedOrder {
  body: string
  availableStock: number
}

/**
 * The order, in ONE autocommit statement: atomic without a transaction block, and the drop's row lock is
 * held only for the statement and its commit, not across round trips — on one hot drop every order
 * serializes on that lock, so its hold time is the throughput limit.
 *  - `k` locks the idempotency key row and proves this request still holds its lease (a request whose lease
 *    was taken over after a stall places nothing);
 *  - `d` is the guarded decrement: `available_stock >= qty` and `status = 'live'` are re-checked on the
 *    latest row version after waiting for the row lock (READ COMMITTED re-evaluation), so concurrent
 *    orders serialize on the drop row and stock can never go below zero (the CHECK constraint backs it).
 *    `ends_at > clock_timestamp()` is re-read in that re-evaluation too, which happens whenever the lock
 *    holder changed the row (every order does); a holder that only locked it (a batch of refusals, see
 *    lockDrop) leaves the pre-wait reading in force — the batched path reads the clock after the lock instead;
 *  - `p` adds to the buyer's units in the drop; its upsert works on the latest row version under that row's
 *    lock, and the CHECK constraint (quantity <= per_user_limit) aborts the whole statement — decrement and
 *    order included — when the buyer would go over the limit;
 *  - `l` appends the ledger row, `c` stores the response for replays with the key, `ev` appends the events
 *    to the outbox (order.confirmed; drop.low_stock when this order crosses the threshold — `before` is
 *    exact under the row lock, so one order sees each crossing; drop.sold_out when it takes the last unit).
 * Returns nothing when the drop is not live or lacks stock; the caller then finds out which.
 */
export async function placeOrder(
  sql: Tx,
  o: { orderId: string; dropId: string; userId: string; quantity: number; key: string; lease: string },
): Promise<PlacedOrder | undefined> {
  const [row] = await sql<PlacedOrder[]>`
    with k as (
      select 1 from idempotency_keys where user_id = ${o.userId} and key = ${o.key} and lease = ${o.lease} for update
    ), d as (
      update drops set available_stock = available_stock - ${o.quantity}, updated_at = now()
      where id = ${o.dropId} and status = 'live' and (ends_at is null or ends_at > clock_timestamp())
        and available_stock >= ${o.quantity} and exists (select 1 from k)
      returning id, available_stock, available_stock + ${o.quantity} as before, low_stock_threshold, per_user_limit,
                unit_price_cents, currency, creator_id
    ), ins as (
      insert into orders (id, drop_id, user_id, quantity, unit_price_cents, total_cents, currency)
      select ${o.orderId}, d.id, ${o.userId}, ${o.quantity}, d.unit_price_cents, d.unit_price_cents * ${o.quantity}, d.currency from d
      returning *
    ), p as (
      insert into drop_purchases (drop_id, user_id, quantity, per_user_limit)
      select ins.drop_id, ins.user_id, ins.quantity, d.per_user_limit from ins cross join d
      on conflict (drop_id, user_id) do update
        set quantity = drop_purchases.quantity + excluded.quantity, per_user_limit = excluded.per_user_limit
      returning quantity
    ), l as (
      insert into stock_ledger (drop_id, kind, delta, order_id) select drop_id, 'order', -quantity, id from ins
    ), b as (
      select row_to_json(x)::text as body from (
        select id, drop_id as "dropId", user_id as "userId", quantity, unit_price_cents as "unitPriceCents",
               total_cents as "totalCents", currency, status,
               to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
               null::text as "cancelledAt"
        from ins) x
    ), c as (
      update idempotency_keys set response_status = 201, response_body = b.body, completed_at = now(), lease = null, locked_until = null
      from b where user_id = ${o.userId} and key = ${o.key}
    ), t as (
      select ${eventTrace()}::text as tp
    ), ev as (
      ${outboxInsert(sql)}
      select 'order.confirmed', d.id, ${o.userId}::uuid, null::uuid, jsonb_build_object('order', b.body::jsonb, 'availableStock', d.available_stock), t.tp
        from d cross join b cross join t
      union all
      select 'drop.low_stock', d.id, null, d.creator_id, jsonb_build_object('availableStock', d.available_stock, 'lowStockThreshold', d.low_stock_threshold), t.tp
        from d cross join b cross join t
        where d.low_stock_threshold is not null and d.before > d.low_stock_threshold
          and d.available_stock <= d.low_stock_threshold and d.available_stock > 0
      union all
      select 'drop.sold_out', d.id, null, d.creator_id, jsonb_build_object('availableStock', 0), t.tp
        from d cross join b cross join t where d.available_stock = 0
    )
    select b.body, d.available_stock, (select count(*) from p) as purchases
    from b cross join d`
  return row
}

export async function findDropForRefusal(sql: Tx, dropId: string) {
  const [row] = await sql<{ status: string; availableStock: number; ended: boolean }[]>`
    select status, available_stock, coalesce(ends_at <= clock_timestamp(), false) as ended from drops where id = ${dropId}`
  return row
}

export async function cancelOrder(tx: Tx, orderId: string, userId: string): Promise<(OrderRow & { availableStock: number }) | undefined> {
  // Lock order: the order row, then the drop row, then the purchase row — the same direction as placeOrder
  // (drop, then purchase), so the two never deadlock.
  const [row] = await tx<(OrderRow & { availableStock: number })[]>`
    with o as (
      update orders set status = 'cancelled', cancelled_at = now()
      where id = ${orderId} and user_id = ${userId} and status = 'confirmed'
      returning *
    ), d as (
      update drops set available_stock = drops.available_stock + o.quantity, updated_at = now()
      from o where drops.id = o.drop_id
      returning drops.available_stock
    ), p as (
      update drop_purchases set quantity = drop_purchases.quantity - o.quantity
      from o where drop_purchases.drop_id = o.drop_id and drop_purchases.user_id = o.user_id
    ), l as (
      insert into stock_ledger (drop_id, kind, delta, order_id) select drop_id, 'cancel', quantity, id from o
    )
    select o.*, d.available_stock from o cross join d`
  return row
}

export async function findOrder(sql: Tx, orderId: string, userId: string): Promise<OrderRow | undefined> {
  const [row] = await sql<OrderRow[]>`select * from orders where id = ${orderId} and user_id = ${userId}`
  return row
}

export async function listOrders(sql: Tx, q: { userId: string; after: CursorKey | null; limit: number }): Promise<OrderRow[]> {
  return sql<OrderRow[]>`
    select * from orders where user_id = ${q.userId}
      ${q.after ? sql`and id < ${q.after[0] as string}` : sql``}
    order by id desc
    limit ${q.limit + 1}`
}

// ---------------------------------------------------------------------------------------------------------
// Batched placement (orders/batch.ts): the orders of one drop that arrive together share one transaction and
// one commit. Lock → read → decide (orders/allocate.ts) → one write statement → commit.

export interface LockedDrop {
  id: string
  status: string
  ended: boolean
  availableStock: number
  perUserLimit: number | null
  lowStockThreshold: number | null
  unitPriceCents: number
  currency: string
  creatorId: string
  /** the transaction's time, to the millisecond: every order of the batch is created at it */
  now: Date
}

/**
 * Takes the drop's row lock for the batch. Everything after it in the transaction runs on a snapshot taken
 * after the lock was granted, so the holdings and keys read next are those every earlier batch committed.
 */
export async function lockDrop(tx: Tx, dropId: string): Promise<Omit<LockedDrop, 'ended' | 'now'> | undefined> {
  const [row] = await tx<LockedDrop[]>`
    select id, status, available_stock, per_user_limit, low_stock_threshold, unit_price_cents, currency, creator_id
    from drops where id = ${dropId} for update`
  return row
}

/**
 * Whether the drop is past its endsAt, asked in a statement of its own once the lock is held: in the locking
 * statement itself the clock would be read before the lock wait (unless the lock holder changed the row), so a
 * batch that waited could confirm orders after the end. `now` is the transaction's time, to the millisecond.
 */
export async function dropClock(tx: Tx, dropId: string): Promise<{ ended: boolean; now: Date } | undefined> {
  const [row] = await tx<{ ended: boolean; now: Date }[]>`
    select coalesce(ends_at <= clock_timestamp(), false) as ended, date_trunc('milliseconds', now()) as now
    from drops where id = ${dropId}`
  return row
}

export interface StoredKey extends ExistingKey {
  userId: string
  key: string
}

export async function readKeys(sql: Tx, userIds: string[], keys: string[]): Promise<StoredKey[]> {
  return sql<StoredKey[]>`
    select k.user_id, k.key, encode(k.fingerprint, 'hex') as fingerprint, k.response_status, k.response_body,
      coalesce(k.locked_until > now(), false) as held,
      extract(epoch from (k.locked_until - now()))::float8 as remaining_sec,
      k.created_at < now() - interval '24 hours' as expired
    from unnest(${userIds}::uuid[], ${keys}::text[]) as r(user_id, key)
    join idempotency_keys k on k.user_id = r.user_id and k.key = r.key`
}

export async function readHoldings(tx: Tx, dropId: string, userIds: string[]): Promise<Array<{ userId: string; quantity: number }>> {
  return tx`select user_id, quantity from drop_purchases where drop_id = ${dropId} and user_id = any(${userIds}::uuid[])`
}

export interface KeyAnswer {
  userId: string
  key: string
  fingerprint: string
  status: number
  body: string
}

/**
 * Stores answers with their keys. A key nobody has used is inserted; one whose first request died (lease run
 * out, no answer) or that is past its 24 h is taken over. A key somebody else answered in the meantime (a
 * retry racing on another instance) is left alone and not counted: the caller compares the count and, under a
 * transaction, rolls the whole batch back and decides again. Keys are written in (user, key) order so that two
 * batches touching the same keys lock them in the same order and cannot deadlock.
 */
function upsertKeys(sql: Tx, answers: KeyAnswer[]) {
  return sql`
    insert into idempotency_keys (user_id, key, fingerprint, response_status, response_body, completed_at)
    select user_id, key, decode(fp, 'hex'), status, body, now()
    from unnest(${answers.map((a) => a.userId)}::uuid[], ${answers.map((a) => a.key)}::text[], ${answers.map((a) => a.fingerprint)}::text[],
                ${answers.map((a) => a.status)}::int[], ${answers.map((a) => a.body)}::text[]) as r(user_id, key, fp, status, body)
    order by user_id, key
    on conflict (user_id, key) do update
      set fingerprint = excluded.fingerprint, response_status = excluded.response_status, response_body = excluded.response_body,
          completed_at = now(), created_at = now(), lease = null, locked_until = null
      where idempotency_keys.created_at < now() - interval '24 hours'
         or (idempotency_keys.response_status is null and idempotency_keys.fingerprint = excluded.fingerprint
             and (idempotency_keys.locked_until is null or idempotency_keys.locked_until <= now()))
    returning 1`
}

/** Refusals decided without touching the drop's row (a drop known to be sold out): their keys only. */
export async function storeAnswers(sql: Tx, answers: KeyAnswer[]): Promise<number> {
  if (!answers.length) return 0
  const rows = await upsertKeys(sql, answers)
  return rows.length
}

export interface NewOrder {
  id: string
  userId: string
  quantity: number
}

export interface NewEvent {
  type: 'order.confirmed' | 'drop.low_stock' | 'drop.sold_out'
  userId: string | null
  data: string
  /** the trace of the request the event comes from (events/outbox.ts eventTrace) */
  traceparent: string | null
}

/**
 * The batch's writes, one statement under the drop's row lock (taken by lockDrop in the same transaction):
 *  - `k` stores every request's answer with its key (confirmations and refusals alike, so retries replay);
 *  - `d` takes the batch's units off the stock in one decrement — the CHECK (available_stock >= 0) backs
 *    the allocation made under the lock;
 *  - `o`, `p`, `l` add the orders, the buyers' holdings (the per-buyer CHECK backs the limit) and one ledger
 *    row per order; `ev` appends the events in the order they happened (order.confirmed, then drop.low_stock
 *    or drop.sold_out right after the order that crossed the line).
 * → how many keys were written; fewer than `answers` means a key was answered elsewhere meanwhile (see upsertKeys).
 */
export async function writeBatch(
  tx: Tx,
  b: { drop: LockedDrop; answers: KeyAnswer[]; orders: NewOrder[]; events: NewEvent[] },
): Promise<number> {
  const { drop, orders, events } = b
  const units = orders.reduce((n, o) => n + o.quantity, 0)
  const [row] = await tx<{ keys: number }[]>`
    with k as (${upsertKeys(tx, b.answers)}),
    req as (
      select * from unnest(${orders.map((o) => o.id)}::uuid[], ${orders.map((o) => o.userId)}::uuid[], ${orders.map((o) => o.quantity)}::int[])
        with ordinality as r(id, user_id, quantity, ord)
    ), d as (
      update drops set available_stock = available_stock - ${units}, updated_at = now()
      where id = ${drop.id} and ${units} > 0
    ), o as (
      insert into orders (id, drop_id, user_id, quantity, unit_price_cents, total_cents, currency, created_at)
      select id, ${drop.id}, user_id, quantity, ${drop.unitPriceCents}, ${drop.unitPriceCents} * quantity, ${drop.currency}, ${drop.now}
      from req order by ord
      returning id
    ), p as (
      insert into drop_purchases (drop_id, user_id, quantity, per_user_limit)
      select ${drop.id}, user_id, sum(quantity), ${drop.perUserLimit} from req group by user_id
      on conflict (drop_id, user_id) do update
        set quantity = drop_purchases.quantity + excluded.quantity, per_user_limit = excluded.per_user_limit
    ), l as (
      insert into stock_ledger (drop_id, kind, delta, order_id)
      select ${drop.id}, 'order', -quantity, id from req order by ord
    ), ev as (
      ${outboxInsert(tx)}
      select type, ${drop.id}::uuid, user_id, case when user_id is null then ${drop.creatorId}::uuid end, data::jsonb, tp
      from unnest(${events.map((e) => e.type)}::text[], ${events.map((e) => e.userId)}::uuid[], ${events.map((e) => e.data)}::text[],
                  ${events.map((e) => e.traceparent)}::text[])
        with ordinality as e(type, user_id, data, tp, ord)
      order by ord
    )
    select count(*)::int as keys from k`
  return row.keys
}
