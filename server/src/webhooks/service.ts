import type { Sql } from '../db'
import { AppError, notFound } from '../errors'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type {
  CreateWebhookRequest, UpdateWebhookRequest, Webhook, WebhookDelivery, WebhookSecret, WebhookWithSecret,
} from '../contract/schemas.gen'
import { findCreatorByUser } from '../creators/service'
import * as repo from './repo'
import { newSecret, type Sealer } from './secrets'
import { checkWebhookUrl, type Resolve, type SsrfPolicy } from './ssrf'
import { FIELD_DEFAULTS } from '../contract/vocabulary.gen'

/** How long a rotated-out secret keeps signing alongside the new one. */
export const ROTATION_GRACE_SEC = 24 * 3600

/** What the webhooks' verbs need: the pool and the endpoints' settings (deps.ts builds them once). */
export interface WebhooksDeps {
  sql: Sql
  webhooks: {
    /** seals each endpoint's signing secret at rest */
    sealer: Sealer
    policy: SsrfPolicy
    /** how long a delivery is retried */
    retryWindowSec: number
    /** tests pass their own name resolution */
    resolve?: Resolve
  }
}

export const toWebhook = (r: repo.EndpointRow): Webhook => ({
  id: r.id,
  url: r.url,
  events: r.events as Webhook['events'],
  description: r.description,
  enabled: r.enabled,
  disabledAt: r.disabledAt ? r.disabledAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

export const toDelivery = (r: repo.DeliveryRow, attempts: repo.AttemptRow[]): WebhookDelivery => ({
  id: r.id,
  webhookId: r.endpointId,
  eventId: r.eventId,
  eventType: r.eventType,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  log: attempts.map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error, at: a.at.toISOString() })),
})

/** Webhooks belong to a creator; for anyone else every endpoint id is "not found" (never 403: no existence leak). */
async function creatorIdOf(deps: WebhooksDeps, userId: string): Promise<string | null> {
  return (await findCreatorByUser(deps, userId))?.id ?? null
}

async function owned(deps: WebhooksDeps, userId: string, id: string): Promise<repo.EndpointRow> {
  const creatorId = await creatorIdOf(deps, userId)
  const row = creatorId ? await repo.findEndpoint(deps.sql, creatorId, id) : undefined
  if (!row) throw notFound('webhook')
  return row
}

const notACreator = () => new AppError('NOT_A_CREATOR', 'Only creators have webhooks; become one with POST /v1/creators')
const checkedUrl = async (deps: WebhooksDeps, url: string) => (await checkWebhookUrl(url, deps.webhooks.policy, deps.webhooks.resolve)).url.toString()

export async function createWebhook(deps: WebhooksDeps, userId: string, input: CreateWebhookRequest): Promise<WebhookWithSecret> {
  const creatorId = await creatorIdOf(deps, userId)
  if (!creatorId) throw notACreator()
  const url = await checkedUrl(deps, input.url)
  const secret = newSecret()
  const row = await repo.insertEndpoint(deps.sql, {
    id: newId(), creatorId, url, description: input.description ?? FIELD_DEFAULTS.CreateWebhookRequest.description, events: input.events, secretSealed: deps.webhooks.sealer.seal(secret),
  })
  return { ...toWebhook(row), secret }
}

export async function listWebhooks(deps: WebhooksDeps, userId: string, q: { limit: number; cursor?: string }): Promise<Page<Webhook>> {
  const creatorId = await creatorIdOf(deps, userId)
  if (!creatorId) throw notACreator()
  const after = decodeCursor(q.cursor, ['uuid'])
  const rows = await repo.listEndpoints(deps.sql, creatorId, { after, limit: q.limit })
  return toPage(rows, q.limit, toWebhook, (r) => [r.id])
}

export async function getWebhook(deps: WebhooksDeps, userId: string, id: string): Promise<Webhook> {
  return toWebhook(await owned(deps, userId, id))
}

export async function updateWebhook(deps: WebhooksDeps, userId: string, id: string, patch: UpdateWebhookRequest): Promise<Webhook> {
  const current = await owned(deps, userId, id)
  const url = patch.url === undefined ? undefined : await checkedUrl(deps, patch.url)
  const row = await repo.updateEndpoint(deps.sql, current.creatorId, id, { ...patch, url })
  if (!row) throw notFound('webhook')
  return toWebhook(row)
}

export async function deleteWebhook(deps: WebhooksDeps, userId: string, id: string): Promise<void> {
  const current = await owned(deps, userId, id)
  if (!(await repo.deleteEndpoint(deps.sql, current.creatorId, id))) throw notFound('webhook')
}

export async function rotateWebhookSecret(deps: WebhooksDeps, userId: string, id: string): Promise<WebhookSecret> {
  const current = await owned(deps, userId, id)
  const secret = newSecret()
  const row = await repo.rotateSecret(deps.sql, current.creatorId, id, deps.webhooks.sealer.seal(secret), ROTATION_GRACE_SEC)
  if (!row) throw notFound('webhook')
  return { secret, previousSecretExpiresAt: row.previousExpiresAt!.toISOString() }
}

/** A `ping` delivery to the endpoint, queued like any other (202). */
export async function testWebhook(deps: WebhooksDeps, userId: string, id: string): Promise<WebhookDelivery> {
  const endpoint = await owned(deps, userId, id)
  const eventId = `evt_ping_${newId()}`
  const body = JSON.stringify({ id: eventId, type: 'ping', createdAt: new Date().toISOString(), creatorId: endpoint.creatorId, dropId: null, data: { webhookId: endpoint.id } })
  const row = await repo.insertDelivery(deps.sql, { id: newId(), endpointId: endpoint.id, eventId, eventType: 'ping', body, retryWindowSec: deps.webhooks.retryWindowSec })
  return toDelivery(row, [])
}

export async function listWebhookDeliveries(deps: WebhooksDeps, userId: string, id: string, q: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>> {
  const endpoint = await owned(deps, userId, id)
  const after = decodeCursor(q.cursor, ['uuid'])
  const rows = await repo.listDeliveries(deps.sql, endpoint.id, { after, limit: q.limit })
  const attempts = await repo.attemptsOf(deps.sql, rows.slice(0, q.limit).map((r) => r.id))
  return toPage(rows, q.limit, (r) => toDelivery(r, attempts.filter((a) => a.deliveryId === r.id)), (r) => [r.id])
}

export async function redeliverWebhookDelivery(deps: WebhooksDeps, userId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
  const endpoint = await owned(deps, userId, id)
  const row = await repo.requeueDelivery(deps.sql, endpoint.id, deliveryId, deps.webhooks.retryWindowSec)
  if (!row) throw notFound('delivery')
  return toDelivery(row, await repo.attemptsOf(deps.sql, [row.id]))
}
