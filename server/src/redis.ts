import Redis from 'ioredis'
import type { Logger } from './logger'

/**
 * The Redis side of the server behind one small interface, so that the zero set-up mode (and tests of the
 * fallback paths) can run the same code on an in-process stand-in. Features add the capabilities they need
 * (rate-limit store, cache, pub/sub) on top of `kind` and `client`.
 */
export interface Backplane {
  kind: 'redis' | 'memory'
  /** The ioredis client, when kind is 'redis'. Never required for the process to start. */
  client: Redis | null
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
    return { kind: 'memory', client: null, ping: async () => true, close: async () => {} }
  }
  const client = createRedisClient(url, log)
  return {
    kind: 'redis',
    client,
    async ping() {
      try {
        return (await client.ping()) === 'PONG'
      } catch {
        return false
      }
    },
    async close() {
      client.disconnect()
    },
  }
}
