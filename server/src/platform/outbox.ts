import type { Tx } from '../db'
import { currentTraceparent } from '../lib/tracing/context'
import { ENUMS, EVENT_TYPES } from '../contract/vocabulary.gen'

/** Frames a stream sends that are not events of the outbox. */
const CONTROL_FRAMES = ['state', 'reset', 'stream.closed'] as const

/** The contract's event names a client can receive (stream frames and notifications), less the stream-control frames. */
type ContractEventType = Exclude<
  (typeof EVENT_TYPES.DropStreamEvent)[number] | (typeof EVENT_TYPES.MeStreamEvent)[number] | (typeof ENUMS.NotificationType)[number],
  (typeof CONTROL_FRAMES)[number]
>

const INTERNAL_EVENTS = [
  /** A log-in session (refresh-token family) was revoked: its personal streams close. Never sent as such. */
  'session.revoked',
  /** Internal (never sent to a client): userId followed (data.following) or unfollowed creatorId. */
  'follow.changed',
] as const

export type DomainEventType = ContractEventType | (typeof INTERNAL_EVENTS)[number]

/**
 * Every type the outbox holds, at run time: the contract's, plus the internal ones. The outbox's CHECK constraint
 * (the latest migration that sets outbox_type_check) must list exactly these; contract/sql-vocabulary.test.ts says so.
 */
export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  ...[...new Set([...EVENT_TYPES.DropStreamEvent, ...EVENT_TYPES.MeStreamEvent, ...ENUMS.NotificationType])]
    .filter((t): t is ContractEventType => !(CONTROL_FRAMES as readonly string[]).includes(t)),
  ...INTERNAL_EVENTS,
]

export interface DomainEvent {
  type: DomainEventType
  dropId?: string
  userId?: string
  creatorId?: string
  data: Record<string, unknown>
}

/**
 * Records a domain event in the transactional outbox. Call it with the transaction that makes the change, so
 * the event exists exactly when the change commits (a rollback leaves nothing to publish; there is no second
 * write to Redis that could succeed or fail on its own). One INSERT and nothing else: this runs inside the
 * order statement's transaction. The relay (events/relay.ts) numbers and publishes the row after commit.
 */
export async function appendEvent(tx: Tx, e: DomainEvent): Promise<void> {
  await tx`
    ${outboxInsert(tx)}
    values (${e.type}, ${e.dropId ?? null}, ${e.userId ?? null}, ${e.creatorId ?? null}, ${tx.json(e.data as never)}, ${eventTrace()})`
}

/**
 * The trace an event belongs to (the W3C traceparent of the span that writes it), stored with it so that the
 * relay and every instance's SSE fan-out continue that trace; null when tracing is off. Read it where the request
 * runs: a statement that combines several requests (orders/batch.ts) takes each one's from its request.
 */
export const eventTrace = (): string | null => currentTraceparent()

/**
 * The head of an outbox INSERT, for a statement that writes its events itself as part of a larger atomic
 * statement (the order statement appends its events in a CTE: `ev as (${outboxInsert(sql)} select …)`), so
 * the column list lives in one place. Rows: (type, drop_id, user_id, creator_id, data jsonb, traceparent text).
 */
export const outboxInsert = (sql: Tx) => sql`insert into outbox (type, drop_id, user_id, creator_id, data, traceparent)`
