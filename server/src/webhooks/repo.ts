import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'
import type { WebhookDelivery } from '../contract/schemas.gen'

export interface EndpointRow {
  id: string
  creatorId: string
  url: string
  description: string
  events: string[]
  secretSealed: Buffer
  previousSealed: Buffer | null
  previousExpiresAt: Date | null
  enabled: boolean
  disabledAt: Date | null
  failingSince: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface DeliveryRow {
  id: string
  endpointId: string
  eventId: string
  eventType: string
  eventSeq: string | null
  body: string
  status: WebhookDelivery['status']
  attempts: number
  nextAttemptAt: Date
  inFlightUntil: Date | null
  giveUpAt: Date
  createdAt: Date
  /** the event's trace (outbox.traceparent): each attempt continues it */
  traceparent: string | null
}

export interface AttemptRow {
  deliveryId: string
  attempt: number
  statusCode: number | null
  latencyMs: number
  error: string | null
  at: Date
}

// ---- endpoints (every read and write scoped to the owning creator: another creator's id is "not found") ----

export async function insertEndpoint(sql: Tx, e: { id: string; creatorId: string; url: string; description: string; events: string[]; secretSealed: Buffer }): Promise<EndpointRow> {
  const [row] = await sql<EndpointRow[]>`
    insert into webhook_endpoints (id, creator_id, url, description, events, secret_sealed)
    values (${e.id}, ${e.creatorId}, ${e.url}, ${e.description}, ${e.events}, ${e.secretSealed})
    returning *`
  return row
}

export async function findEndpoint(sql: Tx, creatorId: string, id: string): Promise<EndpointRow | undefined> {
  const [row] = await sql<EndpointRow[]>`select * from webhook_endpoints where id = ${id} and creator_id = ${creatorId}`
  return row
}

export async function listEndpoints(sql: Tx, creatorId: string, q: { after: CursorKey | null; limit: number }): Promise<EndpointRow[]> {
  return sql<EndpointRow[]>`
    select * from webhook_endpoints
    where creator_id = ${creatorId} ${q.after ? sql`and id < ${q.after[0] as string}` : sql``}
    order by id desc
    limit ${q.limit + 1}`
}

/** Only the listed columns change. Enabling again restarts the failure clock. */
export async function updateEndpoint(
  sql: Tx,
  creatorId: string,
  id: string,
  p: { url?: string; description?: string; events?: string[]; enabled?: boolean },
): Promise<EndpointRow | undefined> {
  const [row] = await sql<EndpointRow[]>`
    update webhook_endpoints set
      url = coalesce(${p.url ?? null}, url),
      description = coalesce(${p.description ?? null}, description),
      events = coalesce(${p.events ?? null}::text[], events),
      enabled = coalesce(${p.enabled ?? null}::boolean, enabled),
      disabled_at = case when ${p.enabled ?? null}::boolean then null else disabled_at end,
      failing_since = case when ${p.enabled ?? null}::boolean then null else failing_since end,
      updated_at = date_trunc('milliseconds', now())
    where id = ${id} and creator_id = ${creatorId}
    returning *`
  return row
}

export async function deleteEndpoint(sql: Tx, creatorId: string, id: string): Promise<boolean> {
  const res = await sql`delete from webhook_endpoints where id = ${id} and creator_id = ${creatorId}`
  return res.count > 0
}

export async function rotateSecret(sql: Tx, creatorId: string, id: string, sealed: Buffer, graceSec: number): Promise<EndpointRow | undefined> {
  const [row] = await sql<EndpointRow[]>`
    update webhook_endpoints set
      previous_sealed = secret_sealed,
      previous_expires_at = now() + make_interval(secs => ${graceSec}),
      secret_sealed = ${sealed},
      updated_at = date_trunc('milliseconds', now())
    where id = ${id} and creator_id = ${creatorId}
    returning *`
  return row
}

// ---- deliveries as their owner sees them ----

export async function insertDelivery(sql: Tx, d: { id: string; endpointId: string; eventId: string; eventType: string; body: string; retryWindowSec: number }): Promise<DeliveryRow> {
  const [row] = await sql<DeliveryRow[]>`
    insert into webhook_deliveries (id, endpoint_id, event_id, event_type, body, give_up_at)
    values (${d.id}, ${d.endpointId}, ${d.eventId}, ${d.eventType}, ${d.body}, now() + make_interval(secs => ${d.retryWindowSec}))
    returning *`
  return row
}

export async function listDeliveries(sql: Tx, endpointId: string, q: { after: CursorKey | null; limit: number }): Promise<DeliveryRow[]> {
  return sql<DeliveryRow[]>`
    select * from webhook_deliveries
    where endpoint_id = ${endpointId} ${q.after ? sql`and id < ${q.after[0] as string}` : sql``}
    order by id desc
    limit ${q.limit + 1}`
}

export async function attemptsOf(sql: Tx, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (!deliveryIds.length) return []
  return sql<AttemptRow[]>`select * from webhook_attempts where delivery_id = any(${deliveryIds}::uuid[]) order by delivery_id, attempt`
}

/**
 * Due now, with a fresh retry window. A delivery whose attempt is in flight is left alone (it is being sent;
 * a second concurrent request would only be a duplicate).
 */
export async function requeueDelivery(sql: Tx, endpointId: string, id: string, retryWindowSec: number): Promise<DeliveryRow | undefined> {
  const [row] = await sql<DeliveryRow[]>`
    update webhook_deliveries set
      status = 'pending',
      next_attempt_at = now(),
      give_up_at = now() + make_interval(secs => ${retryWindowSec})
    where id = ${id} and endpoint_id = ${endpointId}
      and not (status = 'pending' and in_flight_until > now())
    returning *`
  if (row) return row
  const [current] = await sql<DeliveryRow[]>`select * from webhook_deliveries where id = ${id} and endpoint_id = ${endpointId}`
  return current
}

// ---- the fan-out: outbox events → deliveries (exactly once, like the notifier) ----

/** Whoever holds this row lock is the only fan-out until commit; other instances skip instead of waiting. */
export async function lockFanOutCursor(tx: Tx): Promise<bigint | null> {
  const [row] = await tx<{ seq: string }[]>`select seq from outbox_cursors where name = 'webhooks' for update skip locked`
  return row ? BigInt(row.seq) : null
}

export async function lastSeqOfBatch(tx: Tx, after: bigint, limit: number): Promise<string | null> {
  const [row] = await tx<{ seq: string | null }[]>`
    select max(seq) as seq from (select seq from outbox where seq > ${after.toString()} order by seq limit ${limit}) b`
  return row.seq
}

/**
 * One delivery per (subscribed, enabled endpoint of the drop's creator) × event of the range, in one
 * INSERT … SELECT. The creator comes from the drop, not from the outbox row (order events carry the buyer, not
 * the creator), so an endpoint only ever sees events of its own creator's drops. The body is fixed here: every
 * retry sends the same bytes with the same event id.
 */
export async function fanOut(tx: Tx, after: bigint, last: string, retryWindowSec: number): Promise<number> {
  const res = await tx`
    insert into webhook_deliveries (id, endpoint_id, event_id, event_type, event_seq, body, give_up_at, traceparent)
    select livedrop_uuidv7(), w.id, 'evt_' || o.seq, o.type, o.seq,
      json_build_object(
        'id', 'evt_' || o.seq,
        'type', o.type,
        'createdAt', to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'creatorId', d.creator_id,
        'dropId', o.drop_id,
        'data', o.data)::text,
      now() + make_interval(secs => ${retryWindowSec}), o.traceparent
    from outbox o
    join drops d on d.id = o.drop_id
    join webhook_endpoints w on w.creator_id = d.creator_id and w.enabled and o.type = any(w.events)
    where o.seq > ${after.toString()} and o.seq <= ${last}
    order by o.seq
    on conflict (endpoint_id, event_seq) do nothing`
  return res.count
}

export async function setFanOutCursor(tx: Tx, seq: string): Promise<void> {
  await tx`update outbox_cursors set seq = ${seq} where name = 'webhooks'`
}

// ---- the dispatcher ----

export interface ClaimedDelivery extends DeliveryRow {
  url: string
  creatorId: string
  secretSealed: Buffer
  previousSealed: Buffer | null
  previousExpiresAt: Date | null
}

/**
 * Claims up to `limit` due deliveries, at most one per endpoint and none of an endpoint with an attempt in
 * flight anywhere, for `leaseMs`. Safe on every instance at once: `for update skip locked` makes concurrent
 * claimers take disjoint rows without waiting, and the due conditions are repeated on the locked row so a row
 * another instance claimed and committed meanwhile is re-checked on its new version and dropped. The claim
 * commits before any request is sent: a worker killed mid-request leaves a row that is due again when the
 * lease ends (`next_attempt_at`), so the event is sent again, never lost.
 */
export async function claimDue(sql: Tx, limit: number, leaseMs: number, busyEndpoints: string[]): Promise<ClaimedDelivery[]> {
  return sql<ClaimedDelivery[]>`
    with candidate as (
      select distinct on (x.endpoint_id) x.id
      from webhook_deliveries x
      join webhook_endpoints e on e.id = x.endpoint_id and e.enabled
      where x.status = 'pending' and x.next_attempt_at <= now()
        and x.endpoint_id <> all(${busyEndpoints}::uuid[])
        and not exists (
          select 1 from webhook_deliveries y
          where y.endpoint_id = x.endpoint_id and y.status = 'pending' and y.in_flight_until > now())
      order by x.endpoint_id, x.event_seq nulls first, x.created_at
    ), locked as (
      select c.id from webhook_deliveries c
      where c.id in (select id from candidate) and c.status = 'pending' and c.next_attempt_at <= now()
      order by c.next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update webhook_deliveries d set
      attempts = d.attempts + 1,
      next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}),
      in_flight_until = now() + make_interval(secs => ${leaseMs / 1000})
    from webhook_endpoints e
    where d.id in (select id from locked) and e.id = d.endpoint_id
    returning d.*, e.url, e.creator_id, e.secret_sealed, e.previous_sealed, e.previous_expires_at`
}

export interface Outcome {
  deliveryId: string
  endpointId: string
  attempt: number
  statusCode: number | null
  latencyMs: number
  error: string | null
  ok: boolean
  retryDelayMs: number
  disableAfterSec: number
}

/**
 * Records one attempt and its consequences in one transaction. Only the claim that is still current may move
 * the delivery (`attempts = attempt`): a worker whose lease ran out and whose row was claimed again by someone
 * else only adds its line to the log. → whether the endpoint was disabled by this failure.
 */
export async function recordAttempt(tx: Tx, o: Outcome): Promise<{ disabled: boolean }> {
  await tx`
    insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, error)
    values (${o.deliveryId}, ${o.attempt}, ${o.statusCode}, ${o.latencyMs}, ${o.error})
    on conflict do nothing`
  if (o.ok) {
    await tx`update webhook_deliveries set status = 'succeeded', in_flight_until = null where id = ${o.deliveryId} and attempts = ${o.attempt}`
    await tx`update webhook_endpoints set failing_since = null where id = ${o.endpointId} and failing_since is not null`
    return { disabled: false }
  }
  await tx`
    update webhook_deliveries set
      in_flight_until = null,
      next_attempt_at = now() + make_interval(secs => ${o.retryDelayMs / 1000}),
      status = case when now() + make_interval(secs => ${o.retryDelayMs / 1000}) > give_up_at then 'failed' else 'pending' end
    where id = ${o.deliveryId} and attempts = ${o.attempt}`
  const [e] = await tx<{ disabled: boolean }[]>`
    update webhook_endpoints set
      failing_since = coalesce(failing_since, now()),
      enabled = enabled and not (failing_since is not null and failing_since <= now() - make_interval(secs => ${o.disableAfterSec})),
      disabled_at = case
        when enabled and failing_since is not null and failing_since <= now() - make_interval(secs => ${o.disableAfterSec}) then now()
        else disabled_at end
    where id = ${o.endpointId}
    returning (disabled_at is not null and not enabled and disabled_at = now()) as disabled`
  return { disabled: Boolean(e?.disabled) }
}
