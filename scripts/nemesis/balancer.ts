/**
 * What a load balancer in front of the two instances does for the clients: spreads requests round-robin and,
 * when an instance refuses the connection (it is dead or restarting), sends the request to the other one —
 * HAProxy's `option redispatch`. Only a refused connection is redispatched: the request never reached a
 * server, so sending it elsewhere cannot run it twice. A connection lost mid-request is the client's to retry
 * (the SDK does, with the same Idempotency-Key), as behind a real balancer.
 */
import type { FetchLike } from '@livedrop/sdk'

/** The base URL the SDK clients are given; the balancer replaces its origin with an instance's. */
export const BALANCED_ORIGIN = 'http://livedrop.nemesis'

export function balancedFetch(urls: () => string[]): FetchLike {
  let next = 0
  return async (input: Request) => {
    const path = input.url.slice(BALANCED_ORIGIN.length)
    // Read once: the body must be sendable again if the first instance refuses.
    const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : await input.arrayBuffer()
    const targets = urls()
    const first = next++ % targets.length
    for (let i = 0; ; i++) {
      const base = targets[(first + i) % targets.length]
      try {
        return await fetch(base + path, { method: input.method, headers: input.headers, body, signal: input.signal })
      } catch (err) {
        if (i + 1 >= targets.length || (err as { code?: string }).code !== 'ECONNREFUSED') throw err
      }
    }
  }
}
