import { createHash, randomBytes } from 'node:crypto'
import type { Sql } from '../db'
import { AppError, notFound, unauthorized } from '../errors'
import type { RealtimeTicket } from '../contract/schemas.gen'
import { unreadNotificationCount } from '../notifications/service'
import { findCreatorByUser } from '../creators/service'
import type { Live, StreamPrincipal, StreamRequest } from './live'
import * as repo from './repo'

export type { StreamPrincipal, StreamRequest } from './live'

/** What the stream verbs need: the pool and this instance's live machinery (live.ts). */
export interface EventsDeps {
  sql: Sql
  live: Live
}

/** How long a realtime ticket may wait to be redeemed. */
const TICKET_TTL_SEC = 60

const sha256 = (s: string) => createHash('sha256').update(s).digest()

/** A drop's public stream: its state, then its events (stock at most once a second). */
export async function openDropStream(deps: EventsDeps, dropId: string, req: StreamRequest = {}): Promise<Response> {
  const { sql } = deps
  const exists = await repo.findDropState(sql, dropId)
  if (!exists) throw notFound('drop')
  return deps.live.open('drop', dropId, req, null,
    async () => (await repo.findDropState(sql, dropId)) ?? exists,
    (after, head, limit) => repo.dropEventsAfter(sql, dropId, after, head, limit),
    (after, head) => repo.dropStockAfter(sql, dropId, after, head))
}

/** The caller's personal stream: unread count, then their orders, notifications and session events. */
export async function openUserStream(deps: EventsDeps, principal: StreamPrincipal, req: StreamRequest = {}): Promise<Response> {
  const { sql } = deps
  const { userId } = principal
  return deps.live.open('user', userId, req, principal,
    async () => ({ unreadNotifications: await unreadNotificationCount(deps, userId) }),
    (after, head, limit) => repo.userEventsAfter(sql, userId, after, head, limit))
}

/**
 * The events of the caller's own drops as their webhooks get them (`GET /v1/webhooks/events`): what
 * `livedrop listen` forwards. Only creators have webhooks (403 NOT_A_CREATOR, as for POST /v1/webhooks).
 */
export async function openCreatorStream(deps: EventsDeps, principal: StreamPrincipal, req: StreamRequest = {}): Promise<Response> {
  const { sql } = deps
  const creatorId = (await findCreatorByUser(deps, principal.userId))?.id
  if (!creatorId) throw new AppError('NOT_A_CREATOR', 'Only creators have webhook events; become one with POST /v1/creators')
  return deps.live.open('creator', creatorId, req, principal,
    async () => ({ creatorId }),
    (after, head, limit) => repo.creatorEventsAfter(sql, creatorId, after, head, limit))
}

/** A ticket carries the session and the expiry of the access token that asked for it. */
export async function issueTicket(deps: Pick<EventsDeps, 'sql'>, principal: StreamPrincipal): Promise<RealtimeTicket> {
  const ticket = randomBytes(32).toString('base64url')
  const expiresAt = await repo.insertTicket(deps.sql, sha256(ticket), principal, TICKET_TTL_SEC)
  return { ticket, expiresAt: expiresAt.toISOString() }
}

/** → the ticket's principal, once; an unknown, used or expired ticket is a 401. */
export async function redeemTicket(deps: Pick<EventsDeps, 'sql'>, ticket: string): Promise<StreamPrincipal> {
  const principal = await repo.redeemTicket(deps.sql, sha256(ticket))
  if (!principal) throw unauthorized('The ticket is unknown, used or expired; get a new one from POST /v1/realtime/tickets')
  return principal
}
