import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'
import { eventTrace, outboxInsert } from '../platform/outbox'
import type { Drop } from '../contract/schemas.gen'

export type DropStatus = Drop['status']

export interface DropRow {
  id: string
  productId: string
  creatorId: string
  status: DropStatus
  startsAt: Date
  endsAt: Date | null
  initialStock: number
  availableStock: number
  lowStockThreshold: number | null
  perUserLimit: number | null
  accessMode: Drop['access']['mode']
  admitPerSecond: number | null
  preQueueSeconds: number | null
  admissionTtlSeconds: number | null
  accessChallenge: Drop['access']['challenge']
  challengeDifficulty: number | null
  unitPriceCents: number
  currency: string
  createdAt: Date
  updatedAt: Date
}

export type DropAccessRow = Pick<DropRow, 'accessMode' | 'admitPerSecond' | 'preQueueSeconds' | 'admissionTtlSeconds' | 'accessChallenge' | 'challengeDifficulty'>

export async function insertDrop(tx: Tx, d: Omit<DropRow, 'status' | 'availableStock' | 'createdAt' | 'updatedAt'>): Promise<DropRow> {
  const [row] = await tx<DropRow[]>`
    insert into drops (id, product_id, creator_id, starts_at, ends_at, initial_stock, available_stock,
                       low_stock_threshold, per_user_limit, unit_price_cents, currency,
                       access_mode, admit_per_second, pre_queue_seconds, admission_ttl_seconds, access_challenge, challenge_difficulty)
    values (${d.id}, ${d.productId}, ${d.creatorId}, ${d.startsAt}, ${d.endsAt}, ${d.initialStock}, ${d.initialStock},
            ${d.lowStockThreshold}, ${d.perUserLimit}, ${d.unitPriceCents}, ${d.currency},
            ${d.accessMode}, ${d.admitPerSecond}, ${d.preQueueSeconds}, ${d.admissionTtlSeconds}, ${d.accessChallenge}, ${d.challengeDifficulty})
    returning *`
  await tx`insert into stock_ledger (drop_id, kind, delta) values (${d.id}, 'initial', ${d.initialStock})`
  return row
}

export async function findDrop(sql: Tx, id: string): Promise<DropRow | undefined> {
  const [row] = await sql<DropRow[]>`select * from drops where id = ${id}`
  return row
}

export async function lockDrop(tx: Tx, id: string): Promise<DropRow | undefined> {
  const [row] = await tx<DropRow[]>`select * from drops where id = ${id} for update`
  return row
}

/** Scheduled drops list soonest first (keyset: startsAt, id); every other list newest first (keyset: id). */
export async function listDrops(
  sql: Tx,
  q: { status?: DropStatus; creatorId?: string; after: CursorKey | null; limit: number },
): Promise<DropRow[]> {
  const filters = sql`
    ${q.status ? sql`and status = ${q.status}` : sql``}
    ${q.creatorId ? sql`and creator_id = ${q.creatorId}` : sql``}`
  if (q.status === 'scheduled') {
    return sql<DropRow[]>`
      select * from drops where true ${filters}
        ${q.after ? sql`and (starts_at, id) > (${q.after[0] as string}::timestamptz, ${q.after[1] as string}::uuid)` : sql``}
      order by starts_at, id
      limit ${q.limit + 1}`
  }
  return sql<DropRow[]>`
    select * from drops where true ${filters}
      ${q.after ? sql`and id < ${q.after[0] as string}` : sql``}
    order by id desc
    limit ${q.limit + 1}`
}

/** Applies a patch to a drop that is still scheduled; the status condition is the guard against a race with go-live. */
export async function updateScheduledDrop(
  tx: Tx,
  id: string,
  p: { startsAt: Date; endsAt: Date | null; initialStock: number; lowStockThreshold: number | null; perUserLimit: number | null } & DropAccessRow,
): Promise<DropRow | undefined> {
  const [row] = await tx<DropRow[]>`
    update drops set
      starts_at = ${p.startsAt}, ends_at = ${p.endsAt},
      initial_stock = ${p.initialStock}, available_stock = ${p.initialStock},
      low_stock_threshold = ${p.lowStockThreshold}, per_user_limit = ${p.perUserLimit},
      access_mode = ${p.accessMode}, admit_per_second = ${p.admitPerSecond},
      pre_queue_seconds = ${p.preQueueSeconds}, admission_ttl_seconds = ${p.admissionTtlSeconds},
      access_challenge = ${p.accessChallenge}, challenge_difficulty = ${p.challengeDifficulty},
      updated_at = now()
    where id = ${id} and status = 'scheduled'
    returning *`
  return row
}

export async function recordAdjustment(tx: Tx, dropId: string, delta: number): Promise<void> {
  if (delta !== 0) await tx`insert into stock_ledger (drop_id, kind, delta) values (${dropId}, 'adjustment', ${delta})`
}

export async function cancelDropRow(tx: Tx, id: string, actor: string): Promise<DropRow | undefined> {
  const [row] = await tx<(DropRow & { fromStatus: string })[]>`
    with old as (select id, status from drops where id = ${id} for update)
    update drops d set status = 'cancelled', updated_at = now()
    from old where d.id = old.id and old.status in ('scheduled', 'live')
    returning d.*, old.status as from_status`
  if (row) {
    await tx`insert into drop_transitions (drop_id, from_status, to_status, actor) values (${id}, ${row.fromStatus}, 'cancelled', ${actor})`
  }
  return row
}

/**
 * Locks the drop's confirmed orders, before the drop row. A buyer cancelling an order locks the order, then
 * the drop (orders/repo.ts cancelOrder): taking the drop first and the orders second would deadlock with it.
 */
export async function lockConfirmedOrders(tx: Tx, dropId: string): Promise<void> {
  await tx`select id from orders where drop_id = ${dropId} and status = 'confirmed' order by id for update`
}

/**
 * Cancels every confirmed order of a drop in ONE statement (run after cancelDropRow, under the drop row's
 * lock, so no order can be placed meanwhile): the orders, the buyers' held units, the stock returned to the
 * drop, one `cancel` ledger row and one `order.cancelled` event (reason drop_cancelled) per order. Afterwards
 * initialStock = availableStock (+ confirmed quantity, now 0), and the ledger sums to availableStock.
 * → the drop row as it is now and how many orders were cancelled.
 */
export async function cancelDropOrders(tx: Tx, dropId: string): Promise<{ drop: DropRow; cancelledOrders: number }> {
  const [row] = await tx<(DropRow & { cancelledOrders: number })[]>`
    with o as (
      update orders set status = 'cancelled', cancelled_at = now()
      where drop_id = ${dropId} and status = 'confirmed'
      returning *
    ), per_buyer as (
      select user_id, sum(quantity)::int as quantity from o group by user_id
    ), p as (
      update drop_purchases dp set quantity = dp.quantity - per_buyer.quantity
      from per_buyer where dp.drop_id = ${dropId} and dp.user_id = per_buyer.user_id
    ), d as (
      update drops set available_stock = available_stock + (select coalesce(sum(quantity), 0) from o), updated_at = now()
      where id = ${dropId}
      returning *
    ), l as (
      insert into stock_ledger (drop_id, kind, delta, order_id) select drop_id, 'cancel', quantity, id from o
    ), ev as (
      ${outboxInsert(tx)}
      select 'order.cancelled', o.drop_id, o.user_id, null::uuid, jsonb_build_object(
          'order', jsonb_build_object(
            'id', o.id, 'dropId', o.drop_id, 'userId', o.user_id, 'quantity', o.quantity,
            'unitPriceCents', o.unit_price_cents, 'totalCents', o.total_cents, 'currency', o.currency, 'status', o.status,
            'createdAt', to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'cancelledAt', to_char(o.cancelled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
          'availableStock', d.available_stock,
          'reason', 'drop_cancelled'), ${eventTrace()}::text
      from o cross join d
      order by o.created_at, o.id
    )
    select d.*, (select count(*) from o)::int as cancelled_orders from d`
  const { cancelledOrders, ...drop } = row
  return { drop: drop as DropRow, cancelledOrders }
}

/**
 * Moves every due drop in one statement. The conditional UPDATE is the guard: when several scheduler
 * instances run it at once, the row lock makes the losers re-check `status` and skip the row, so each
 * drop moves exactly once; drop_transitions' unique key would reject a second record anyway.
 * `statement_timestamp()` rather than `clock_timestamp()`: a volatile call in the WHERE cannot bound an index
 * scan, so every pass read every scheduled drop. A stable one can, and the planner also knows its value when
 * it estimates (an init-plan `(select clock_timestamp())` is unknown to it and, as a guessed third of the
 * table, still got a full scan): the partial indexes drops_due_idx and drops_ending_idx find the due rows only.
 * The statement is the first of its transaction, so its start is the moment the pass looks.
 */
export async function transitionDue(tx: Tx, to: 'live' | 'ended', actor: string): Promise<Array<DropRow & { dueAt: Date }>> {
  const rows =
    to === 'live'
      ? await tx<Array<DropRow & { dueAt: Date }>>`
          update drops set status = 'live', updated_at = now()
          where status = 'scheduled' and starts_at <= statement_timestamp()
          returning *, starts_at as due_at`
      : await tx<Array<DropRow & { dueAt: Date }>>`
          update drops set status = 'ended', updated_at = now()
          where status = 'live' and ends_at <= statement_timestamp()
          returning *, ends_at as due_at`
  if (rows.length) {
    const from = to === 'live' ? 'scheduled' : 'live'
    await tx`
      insert into drop_transitions (drop_id, from_status, to_status, due_at, actor)
      select id, ${from}, ${to}, due_at, ${actor}
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.dueAt.toISOString())}::timestamptz[]) as t(id, due_at)`
  }
  return rows
}

/** Milliseconds until the next start or end, by the database's clock (so app-server clock skew does not matter). */
export async function msUntilNextDue(sql: Tx): Promise<number | null> {
  const [row] = await sql<{ ms: number | null }[]>`
    select extract(epoch from (least(
      (select min(starts_at) from drops where status = 'scheduled'),
      (select min(ends_at) from drops where status = 'live' and ends_at is not null)
    ) - clock_timestamp())) * 1000 as ms`
  return row.ms === null ? null : Number(row.ms)
}

export interface AuditRow {
  initialStock: number
  availableStock: number
  sold: number
  cancelled: number
  adjusted: number
  ledgerSum: number
  confirmedQuantity: number
}

/** One statement, so every figure comes from the same snapshot. */
export async function auditDrop(sql: Tx, id: string): Promise<AuditRow | undefined> {
  const [row] = await sql<AuditRow[]>`
    select d.initial_stock, d.available_stock,
      coalesce((select -sum(delta) from stock_ledger where drop_id = d.id and kind = 'order'), 0)::int as sold,
      coalesce((select sum(delta) from stock_ledger where drop_id = d.id and kind = 'cancel'), 0)::int as cancelled,
      coalesce((select sum(delta) from stock_ledger where drop_id = d.id and kind = 'adjustment'), 0)::int as adjusted,
      coalesce((select sum(delta) from stock_ledger where drop_id = d.id), 0)::int as ledger_sum,
      coalesce((select sum(quantity) from orders where drop_id = d.id and status = 'confirmed'), 0)::int as confirmed_quantity
    from drops d where d.id = ${id}`
  return row
}

export async function notifyScheduleChanged(tx: Tx): Promise<void> {
  await tx`select pg_notify('livedrop_schedule', '')`
}
