import { AppError } from '../errors'

export interface StreamCapLimits {
  /** open streams per client address; 0 = no cap */
  perAddress: number
  /** open streams per user; 0 = no cap */
  perUser: number
}

/** How long a refused client is told to wait: long enough for another of its streams (a closed tab) to go. */
const RETRY_AFTER_SEC = 10

export type StreamCaps = ReturnType<typeof createStreamCaps>

/**
 * Caps the long-lived streams this instance holds per client address and per user. A stream holds a socket and
 * buffers for as long as it is open, so the request rate limit (which counts opens) does not bound them: 2,000
 * streams opened slowly from one address were all accepted. Counted in memory, per instance — the resource
 * being protected is this instance's; behind a load balancer a client gets at most the cap on each instance.
 */
export function createStreamCaps(limits: StreamCapLimits, onRefused?: (scope: 'address' | 'user') => void) {
  const open = new Map<string, number>()
  return {
    /**
     * Takes a slot for every key given (a missing address — an in-process request — is not capped), or none:
     * throws 429 TOO_MANY_STREAMS when one is full. → release, idempotent; call it when the stream closes.
     */
    acquire(holder: { address?: string | null; userId?: string | null }): () => void {
      const keys: string[] = []
      const check = (scope: 'address' | 'user', key: string, cap: number, what: string) => {
        if (cap <= 0) return
        if ((open.get(key) ?? 0) >= cap) {
          onRefused?.(scope)
          throw new AppError('TOO_MANY_STREAMS', `At most ${cap} event streams may be open per ${what}; close one first`, {
            headers: { 'retry-after': String(RETRY_AFTER_SEC) },
          })
        }
        keys.push(key)
      }
      if (holder.address) check('address', `address:${holder.address}`, limits.perAddress, 'client address')
      if (holder.userId) check('user', `user:${holder.userId}`, limits.perUser, 'user')
      // Checked and counted in one synchronous step: no other open can slip in between.
      for (const k of keys) open.set(k, (open.get(k) ?? 0) + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        for (const k of keys) {
          const n = open.get(k)! - 1
          if (n > 0) open.set(k, n)
          else open.delete(k)
        }
      }
    },
    /** Keys with at least one open stream (0 once every stream is gone: nothing leaks). */
    size: () => open.size,
  }
}
