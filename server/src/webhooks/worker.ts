import type { Sql } from '../db'
import type { Logger } from '../logger'
import { pollLoop } from '../lib/poll-loop'
import { appendEvent } from '../platform/outbox'
import * as repo from './repo'
import { signatureHeader, type Sealer } from './secrets'
import { sendWebhook } from './send'
import type { Config } from '../config'
import type { Resolve, SsrfPolicy } from './ssrf'

/** The delivery settings of config.ts (one definition), with the SSRF policy resolved from them. */
export type WorkerConfig = Omit<Config['webhooks'], 'allowHttpLoopback' | 'secretKey'> & { policy: SsrfPolicy }

/** Exponential with "equal jitter": half the step fixed, half random, so retries of many deliveries spread out. */
export function retryDelayMs(attempt: number, base: number, max: number, random = Math.random): number {
  const step = Math.min(max, base * 2 ** Math.min(attempt - 1, 30))
  return Math.round(step / 2 + random() * (step / 2))
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>

/**
 * The two background halves of webhook delivery, run on every instance:
 *  - fan-out: numbered outbox events → one delivery row per subscribed endpoint, exactly once (the 'webhooks'
 *    cursor row is locked with skip locked and advanced in the transaction that inserts the rows);
 *  - dispatch: claims due deliveries (repo.claimDue: disjoint across instances, one per endpoint) and sends each
 *    in its own task. A slot is held only by its own request, bounded by the timeout, so a hanging endpoint
 *    holds one slot for at most `timeoutMs` and never the others; nothing here touches the SSE path.
 * An endpoint disabled by a failure tells its owner: a `webhook.disabled` outbox event for the owner's user, in
 * the transaction that disables it, which the notifier stores as a notification (`ownerOf`: creator → user).
 */
export function createWebhookWorker(opts: {
  sql: Sql
  log: Logger
  sealer: Sealer
  config: WorkerConfig
  resolve?: Resolve
  ownerOf: (creatorId: string) => Promise<string>
}) {
  const { sql, log, sealer, config } = opts
  // Claimed at least a lease ahead of the request's own deadline, so a live worker's claim never lapses.
  const leaseMs = config.timeoutMs + 2000
  const inFlight = new Map<string, Promise<void>>()

  async function fanOutTick(): Promise<number> {
    return sql.begin(async (tx) => {
      const cursor = await repo.lockFanOutCursor(tx)
      if (cursor === null) return 0
      const last = await repo.lastSeqOfBatch(tx, cursor, 1000)
      if (last === null) return 0
      await repo.fanOut(tx, cursor, last, config.retryWindowSec)
      await repo.setFanOutCursor(tx, last)
      return Number(BigInt(last) - cursor)
    })
  }

  async function deliver(d: repo.ClaimedDelivery): Promise<void> {
    const secrets = [sealer.open(d.secretSealed)]
    if (d.previousSealed && d.previousExpiresAt && d.previousExpiresAt > new Date()) secrets.push(sealer.open(d.previousSealed))
    const result = await sendWebhook(d.url, d.body, {
      'livedrop-signature': signatureHeader(d.body, secrets),
      'livedrop-event-id': d.eventId,
      'livedrop-event-type': d.eventType,
    }, { timeoutMs: config.timeoutMs, policy: config.policy, resolve: opts.resolve })
    const ok = result.error === null
    // Looked up before the transaction, so that it holds no lock while another service queries.
    const ownerUserId = ok ? null : await opts.ownerOf(d.creatorId)
    const { disabled } = await sql.begin(async (tx) => {
      const outcome = await repo.recordAttempt(tx, {
        deliveryId: d.id,
        endpointId: d.endpointId,
        attempt: d.attempts,
        ...result,
        ok,
        retryDelayMs: retryDelayMs(d.attempts, config.backoffBaseMs, config.backoffMaxMs),
        disableAfterSec: config.disableAfterSec,
      })
      if (outcome.disabled && ownerUserId) {
        await appendEvent(tx, {
          type: 'webhook.disabled', userId: ownerUserId, creatorId: d.creatorId,
          data: { webhookId: d.endpointId, url: d.url, disabledAt: new Date().toISOString() },
        })
      }
      return outcome
    })
    if (disabled) log.warn({ endpointId: d.endpointId }, 'webhook endpoint disabled after failing too long')
  }

  async function dispatchTick(): Promise<number> {
    const free = config.concurrency - inFlight.size
    if (free <= 0) return 0
    const claimed = await repo.claimDue(sql, free, leaseMs, [...inFlight.keys()])
    for (const d of claimed) {
      const task = deliver(d)
        .catch((err) => log.warn({ err: (err as Error).message, deliveryId: d.id }, 'webhook delivery failed to record'))
        .finally(() => inFlight.delete(d.endpointId))
      inFlight.set(d.endpointId, task)
    }
    return claimed.length
  }

  const fanOutLoop = pollLoop({ name: 'webhooks fan-out', tick: fanOutTick, batch: 1000, idleMs: config.pollMs, log })
  const dispatchLoop = pollLoop({ name: 'webhooks dispatch', tick: dispatchTick, batch: Number.MAX_SAFE_INTEGER, idleMs: config.pollMs, log })

  return {
    fanOutTick,
    dispatchTick,
    /** resolves when every request this instance has in flight is answered (or timed out) and recorded */
    idle: () => Promise.all([...inFlight.values()]).then(() => undefined),
    start() {
      fanOutLoop.start()
      dispatchLoop.start()
    },
    async stop() {
      await Promise.all([fanOutLoop.stop(), dispatchLoop.stop()])
      await Promise.all([...inFlight.values()])
    },
  }
}
