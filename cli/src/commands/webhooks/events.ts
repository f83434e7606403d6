import { ENUMS, type components } from '@livedrop/sdk'
import { UsageError } from '../../errors'

export type WebhookEventType = components['schemas']['WebhookEventType']

/** The contract's list, in its order (also the order `--events all` expands to). */
export const WEBHOOK_EVENTS: readonly WebhookEventType[] = ENUMS.WebhookEventType

export function parseEvents(raw: string): WebhookEventType[] {
  if (raw.trim() === 'all') return [...WEBHOOK_EVENTS]
  const events = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))]
  if (!events.length) throw new UsageError('--events: name at least one event, or "all"')
  const unknown = events.filter((e) => !WEBHOOK_EVENTS.includes(e as WebhookEventType))
  if (unknown.length) throw new UsageError(`--events: unknown event ${unknown.join(', ')}`, `Events: ${WEBHOOK_EVENTS.join(', ')}, or "all".`)
  return events as WebhookEventType[]
}
