import Redis, { ReplyError } from 'ioredis'
import type { Logger } from './logger'
import { createBreaker, type Breaker } from './lib/breaker'

/**
 * The Redis side of the server behind one small interface, so that the zero set-up mode (and tests of the
 * fallback paths) can run the same code on an in-process stand-in. Features add the capabilities they need
 * (rate-limit store, cache, pub/sub) on top of `kind` and `client`.
 */
export interface Backplane {
  kind: 'redis' | 'memory'
  /** The ioredis client, when kind is 'redis'. Never required for the process to start. */
  client: Redis | null
  /**
   * Every Redis call of the features (rate limits, cache, publish) goes through this breaker: when Redis hangs
   * or fails, the first timeout opens it and all of them use their in-process fallbacks at once, instead of
   * each request waiting for its own 200 ms timeout; a background PING closes it. Never opens in memory mode.
   */
  breaker: Breaker
  /** false while the breaker is open or Redis does not answer a PING */
  ping(): Promise<boolean>
  close(): Promise<void>
}

export function createRedisClient(url: string, log: Logger, name = 'main'): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    // Fail fast instead of queueing while Redis is away: callers have in-process fallbacks.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 200,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    connectionName: `livedrop-${name}`,
  })
  let down = false
  client.on('error', (err) => {
    if (!down) log.warn({ err: err.message, redis: name }, 'redis unavailable')
    down = true
  })
  client.on('ready', () => {
    if (down) log.info({ redis: name }, 'redis reachable again')
    down = false
  })
  client.connect().catch(() => {})
  return client
}

export function createBackplane(url: string | undefined, log: Logger): Backplane {
  if (!url) {
    const breaker = createBreaker({ name: 'redis', probe: async () => true })
    return { kind: 'memory', client: null, breaker, ping: async () => true, close: async () => {} }
  }
  const client = createRedisClient(url, log)
  const ping = async () => {
    try {
      return (await client.ping()) === 'PONG'
    } catch {
      return false
    }
  }
  const breaker = createBreaker({
    name: 'redis',
    // PING is bounded by the client's 200 ms command timeout, and fails at once while disconnected.
    probe: ping,
    // A reply error (a script or type error) is Redis answering: only silence and lost connections trip it.
    trips: (err) => err instanceof Error && !(err instanceof ReplyError),
  })
  // A (re)connected client has just had Redis answer its ready check: probe now rather than up to 500 ms later
  // (at boot, requests made before the first connection opened the breaker).
  client.on('ready', () => breaker.probeNow())
  breaker.onChange((open) => {
    if (open) log.warn({ redis: 'main' }, 'redis failing or hung: circuit breaker open, every component on its in-process fallback')
    else log.info({ redis: 'main' }, 'redis answers again: circuit breaker closed')
  })
  return {
    kind: 'redis',
    client,
    breaker,
    ping: async () => !breaker.isOpen && (await ping()),
    async close() {
      breaker.stop()
      client.disconnect()
    },
  }
}
