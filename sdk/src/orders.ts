import type { Client } from 'openapi-fetch'
import type { paths, components } from './schema.js'
import { DEFAULT_RETRY, backoffDelay, isNetworkError, parseRetryAfter, sleep, type RetryOptions } from './retry.js'

export type CreateOrderBody = components['schemas']['CreateOrderRequest']

export interface CreateOrderOptions extends RetryOptions {
  /** One key per intended purchase. Generated when absent; the same key is sent on every retry of this call. */
  idempotencyKey?: string
  signal?: AbortSignal
  /** Called before each wait, e.g. to log or show "retrying…". */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; idempotencyKey: string }) => void
}

/**
 * Answers worth trying again with the same key. Safe because the server stores the first answer per key:
 * a retry after a lost response replays it instead of buying twice. Refusals (SOLD_OUT, DROP_NOT_LIVE,
 * PURCHASE_LIMIT_EXCEEDED, validation…) are final and are returned at once. 502 and 504 come from proxies
 * in front of the API and are as transient as a 503.
 */
function retryReason(status: number, code: string | undefined): string | null {
  if (status === 409 && code === 'IDEMPOTENCY_KEY_IN_USE') return code
  if (status === 429 || status === 502 || status === 503 || status === 504) return `HTTP ${status}`
  return null
}

export async function createOrder(client: Client<paths>, body: CreateOrderBody, opts: CreateOrderOptions = {}) {
  const idempotencyKey = opts.idempotencyKey ?? newIdempotencyKey()
  const policy = {
    retries: opts.retries ?? DEFAULT_RETRY.retries,
    baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  }
  for (let attempt = 0; ; attempt++) {
    let result
    try {
      result = await client.POST('/v1/orders', {
        body,
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        signal: opts.signal,
      })
    } catch (err) {
      // No answer at all: the order may or may not exist; only a retry with the same key can tell.
      if (attempt >= policy.retries || !isNetworkError(err, opts.signal)) throw err
      const delayMs = backoffDelay(attempt, policy)
      opts.onRetry?.({ attempt: attempt + 1, delayMs, reason: err instanceof Error ? err.message : String(err), idempotencyKey })
      await sleep(delayMs, opts.signal)
      continue
    }
    const reason = retryReason(result.response.status, result.error?.code)
    if (!reason || attempt >= policy.retries) return { ...result, idempotencyKey }
    await result.response.body?.cancel().catch(() => {})
    const delayMs = backoffDelay(attempt, policy, parseRetryAfter(result.response.headers.get('retry-after')))
    opts.onRetry?.({ attempt: attempt + 1, delayMs, reason, idempotencyKey })
    await sleep(delayMs, opts.signal)
  }
}

/** A random UUID (v4). `crypto.randomUUID` needs a secure context in browsers, so fall back to getRandomValues. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
