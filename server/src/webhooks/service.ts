import type { Sql } from '../db'
import { AppError, notFound } from '../errors'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type {
  CreateWebhookRequest, UpdateWebhookRequest, Webhook, WebhookDelivery, WebhookSecret, WebhookWithSecret,
} from '../contract/schemas.gen'
import type { CreatorsService } from '../creators/service'
import * as repo from './repo'
import { newSecret, type Sealer } from './secrets'
import { checkWebhookUrl, type Resolve, type SsrfPolicy } from './ssrf'

/** How long a rotated-out secret keeps signing alongside the new one. */
export const ROTATION_GRACE_SEC = 24 * 3600

export interface WebhooksService {
  create(userId: string, input: CreateWebhookRequest): Promise<WebhookWithSecret>
  list(userId: string, q: { limit: number; cursor?: string }): Promise<Page<Webhook>>
  get(userId: string, id: string): Promise<Webhook>
  update(userId: string, id: string, patch: UpdateWebhookRequest): Promise<Webhook>
  remove(userId: string, id: string): Promise<void>
  rotateSecret(userId: string, id: string): Promise<WebhookSecret>
  test(userId: string, id: string): Promise<WebhookDelivery>
  deliveries(userId: string, id: string, q: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>>
  redeliver(userId: string, id: string, deliveryId: string): Promise<WebhookDelivery>
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

export function createWebhooksService(deps: {
  sql: Sql
  creators: CreatorsService
  sealer: Sealer
  policy: SsrfPolicy
  retryWindowSec: number
  resolve?: Resolve
}): WebhooksService {
  const { sql, sealer } = deps

  /** Webhooks belong to a creator; for anyone else every endpoint id is "not found" (never 403: no existence leak). */
  async function creatorIdOf(userId: string): Promise<string | null> {
    return (await deps.creators.findByUser(userId))?.id ?? null
  }
  async function owned(userId: string, id: string): Promise<repo.EndpointRow> {
    const creatorId = await creatorIdOf(userId)
    const row = creatorId ? await repo.findEndpoint(sql, creatorId, id) : undefined
    if (!row) throw notFound('webhook')
    return row
  }
  const notACreator = () => new AppError('NOT_A_CREATOR', 'Only creators have webhooks; become one with POST /v1/creators')
  const checkedUrl = async (url: string) => (await checkWebhookUrl(url, deps.policy, deps.resolve)).url.toString()

  return {
    async create(userId, input) {
      const creatorId = await creatorIdOf(userId)
      if (!creatorId) throw notACreator()
      const url = await checkedUrl(input.url)
      const secret = newSecret()
      const row = await repo.insertEndpoint(sql, {
        id: newId(), creatorId, url, description: input.description ?? '', events: input.events, secretSealed: sealer.seal(secret),
      })
      return { ...toWebhook(row), secret }
    },
    async list(userId, q) {
      const creatorId = await creatorIdOf(userId)
      if (!creatorId) throw notACreator()
      const after = decodeCursor(q.cursor, ['uuid'])
      const rows = await repo.listEndpoints(sql, creatorId, { after, limit: q.limit })
      return toPage(rows, q.limit, toWebhook, (r) => [r.id])
    },
    async get(userId, id) {
      return toWebhook(await owned(userId, id))
    },
    async update(userId, id, patch) {
      const current = await owned(userId, id)
      const url = patch.url === undefined ? undefined : await checkedUrl(patch.url)
      const row = await repo.updateEndpoint(sql, current.creatorId, id, { ...patch, url })
      if (!row) throw notFound('webhook')
      return toWebhook(row)
    },
    async remove(userId, id) {
      const current = await owned(userId, id)
      if (!(await repo.deleteEndpoint(sql, current.creatorId, id))) throw notFound('webhook')
    },
    async rotateSecret(userId, id) {
      const current = await owned(userId, id)
      const secret = newSecret()
      const row = await repo.rotateSecret(sql, current.creatorId, id, sealer.seal(secret), ROTATION_GRACE_SEC)
      if (!row) throw notFound('webhook')
      return { secret, previousSecretExpiresAt: row.previousExpiresAt!.toISOString() }
    },
    async test(userId, id) {
      const endpoint = await owned(userId, id)
      const eventId = `evt_ping_${newId()}`
      const body = JSON.stringify({ id: eventId, type: 'ping', createdAt: new Date().toISOString(), creatorId: endpoint.creatorId, dropId: null, data: { webhookId: endpoint.id } })
      const row = await repo.insertDelivery(sql, { id: newId(), endpointId: endpoint.id, eventId, eventType: 'ping', body, retryWindowSec: deps.retryWindowSec })
      return toDelivery(row, [])
    },
    async deliveries(userId, id, q) {
      const endpoint = await owned(userId, id)
      const after = decodeCursor(q.cursor, ['uuid'])
      const rows = await repo.listDeliveries(sql, endpoint.id, { after, limit: q.limit })
      const attempts = await repo.attemptsOf(sql, rows.slice(0, q.limit).map((r) => r.id))
      return toPage(rows, q.limit, (r) => toDelivery(r, attempts.filter((a) => a.deliveryId === r.id)), (r) => [r.id])
    },
    async redeliver(userId, id, deliveryId) {
      const endpoint = await owned(userId, id)
      const row = await repo.requeueDelivery(sql, endpoint.id, deliveryId, deps.retryWindowSec)
      if (!row) throw notFound('delivery')
      return toDelivery(row, await repo.attemptsOf(sql, [row.id]))
    },
  }
}
