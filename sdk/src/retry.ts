export interface RetryOptions {
  /** Retries after the first attempt. Default 5. */
  retries?: number
  /** First backoff step in ms; doubles each retry. Default 200. */
  baseDelayMs?: number
  /** Ceiling of one wait in ms (also caps a server's `Retry-After`). Default 10 000. */
  maxDelayMs?: number
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 5, baseDelayMs: 200, maxDelayMs: 10_000 }

/**
 * Exponential backoff with "full jitter": a random wait in [0, base·2^attempt], so that thousands of buyers
 * who failed at the same instant do not come back at the same instant. A server's `Retry-After` is a floor:
 * we never come back sooner than asked, and add up to one base step of jitter on top.
 */
export function backoffDelay(attempt: number, opts: Required<RetryOptions>, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(opts.maxDelayMs, retryAfterMs + random() * opts.baseDelayMs)
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt)
  return random() * ceiling
}

/** `Retry-After` as delay-seconds or an HTTP date → ms, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** True for a failure to get any response (DNS, refused, reset, lost): not for an abort by the caller. */
export function isNetworkError(err: unknown, signal?: AbortSignal | null): boolean {
  if (signal?.aborted) return false
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return false
  // fetch rejects with TypeError in browsers, Node (undici) and Bun; Bun also uses its own error names.
  return err instanceof TypeError || (err instanceof Error && /ECONNRE|ECONNABORTED|EPIPE|socket|network|fetch failed|Unable to connect/i.test(`${err.name} ${err.message} ${(err as { code?: string }).code ?? ''}`))
}
