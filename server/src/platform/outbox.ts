import type { Tx } from '../db'
import type { ENUMS, EVENT_TYPES } from '../contract/vocabulary.gen'

/** The contract's event names a client can receive (stream frames and notifications), less the stream-control frames. */
type ContractEventType = Exclude<
  (typeof EVENT_TYPES.DropStreamEvent)[number] | (typeof EVENT_TYPES.MeStreamEvent)[number] | (typeof ENUMS.NotificationType)[number],
  'state' | 'reset' | 'stream.closed'
>

export type DomainEventType =
  | ContractEventType
  /** A log-in session (refresh-token family) was revoked: its personal streams close. Never sent as such. */
  | 'session.revoked'
  /** Internal (never sent to a client): userId followed (data.following) or unfollowed creatorId. */
  | 'follow.changed'

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
    values (${e.type}, ${e.dropId ?? null}, ${e.userId ?? null}, ${e.creatorId ?? null}, ${tx.json(e.data as never)})`
}

/**
 * The head of an outbox INSERT, for a statement that writes its events itself as part of a larger atomic
 * statement (the order statement appends its events in a CTE: `ev as (${outboxInsert(sql)} select …)`), so
 * the column list lives in one place. Rows: (type, drop_id, user_id, creator_id, data jsonb).
 */
export const outboxInsert = (sql: Tx) => sql`insert into outbox (type, drop_id, user_id, creator_id, data)`
