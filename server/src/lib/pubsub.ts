import Redis from 'ioredis'
import type { Logger } from '../logger'
import { redisTarget } from '../config'
import { createCluster, type RedisClient } from '../redis'
import type { Breaker } from './breaker'

export type MessageHandler = (message: string) => void

/**
 * Fire-and-forget fan-out between server instances (cache invalidation, live events). At-most-once: a message
 * published while an instance is disconnected is lost for it, so users of this must tolerate gaps (caches
 * have TTLs; event streams replay from their store).
 */
export interface PubSub {
  kind: 'redis' | 'memory'
  /** Rejects when the message could not be handed to Redis (the caller decides whether that matters). */
  publish(channel: string, message: string): Promise<void>
  /** → unsubscribe. Handlers run for messages of every instance, this one included. */
  subscribe(channel: string, handler: MessageHandler): () => void
  close(): Promise<void>
}

class Handlers {
  private readonly byChannel = new Map<string, Set<MessageHandler>>()
  constructor(private readonly log?: Logger) {}

  /** → true when this is the channel's first handler */
  add(channel: string, h: MessageHandler): boolean {
    let set = this.byChannel.get(channel)
    const first = !set
    if (!set) this.byChannel.set(channel, (set = new Set()))
    set.add(h)
    return first
  }

  /** → true when the channel has no handler left */
  remove(channel: string, h: MessageHandler): boolean {
    const set = this.byChannel.get(channel)
    if (!set?.delete(h)) return false
    if (set.size) return false
    this.byChannel.delete(channel)
    return true
  }

  deliver(channel: string, message: string) {
    const set = this.byChannel.get(channel)
    if (!set) return
    for (const h of [...set]) {
      // One failing subscriber must not starve the others.
      try {
        h(message)
      } catch (err) {
        this.log?.error({ err, channel }, 'pubsub handler failed')
      }
    }
  }

  channels() {
    return [...this.byChannel.keys()]
  }
}

/** The zero set-up stand-in: one process is the whole cluster. Delivery is asynchronous, like Redis's. */
export function createMemoryPubSub(log?: Logger): PubSub {
  const handlers = new Handlers(log)
  return {
    kind: 'memory',
    async publish(channel, message) {
      queueMicrotask(() => handlers.deliver(channel, message))
    },
    subscribe(channel, handler) {
      handlers.add(channel, handler)
      return () => void handlers.remove(channel, handler)
    },
    async close() {},
  }
}

/**
 * Redis pub/sub. A connection in subscriber mode cannot run other commands, so subscriptions get a connection
 * of their own; publishing goes through the shared command client. ioredis re-subscribes by itself after a
 * reconnect (autoResubscribe), so a Redis restart heals without help. Publishing goes through the backplane's
 * circuit breaker when one is given: while Redis hangs, a publish fails at once instead of after a timeout
 * (its callers already tolerate a lost message).
 *
 * On a Redis Cluster the channels are sharded (SPUBLISH/SSUBSCRIBE, Redis 7): a message goes to the one shard
 * that owns its channel's slot instead of being broadcast over the cluster bus to every node, and the
 * subscriber keeps one connection per shard, which ioredis moves to the new master after a failover.
 */
export function createRedisPubSub(url: string, publisher: RedisClient, log: Logger, breaker?: Breaker): PubSub {
  const handlers = new Handlers(log)
  const target = redisTarget(url)
  const sharded = target.mode === 'cluster'
  const sub: RedisClient = target.mode === 'cluster'
    ? createCluster(target, { name: 'sub', subscriber: true })
    : new Redis(url, {
      lazyConnect: true,
      // Subscribe calls made while Redis is away wait for the connection instead of failing.
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      connectionName: 'livedrop-sub',
    })
  let down = false
  sub.on('error', (err) => {
    if (!down) log.warn({ err: err.message, redis: 'sub' }, 'redis subscriber unavailable')
    down = true
  })
  sub.on('ready', () => {
    down = false
  })
  sub.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => handlers.deliver(channel, message))
  let connecting: Promise<void> | null = null
  const connected = () => (connecting ??= sub.connect().catch(() => {}))
  const send = (channel: string, message: string) => (sharded ? publisher.spublish(channel, message) : publisher.publish(channel, message))
  return {
    kind: 'redis',
    async publish(channel, message) {
      if (breaker) await breaker.run(() => send(channel, message))
      else await send(channel, message)
    },
    subscribe(channel, handler) {
      if (handlers.add(channel, handler)) {
        void connected().then(() => (sharded ? sub.ssubscribe(channel) : sub.subscribe(channel))).catch((err) => log.warn({ err: err.message, channel }, 'subscribe failed'))
      }
      return () => {
        if (handlers.remove(channel, handler)) (sharded ? sub.sunsubscribe(channel) : sub.unsubscribe(channel)).catch(() => {})
      }
    },
    async close() {
      sub.disconnect()
    },
  }
}
