import Redis, { Cluster, ReplyError, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { Logger } from './logger'
import { redisTarget, type RedisTarget } from './config'
import { createBreaker, type Breaker } from './lib/breaker'

/** One Redis server or a Redis Cluster: the commands the features use are the same on both. */
export type RedisClient = Redis | Cluster

/**
 * The Redis side of the server behind one small interface, so that the zero set-up mode (and tests of the
 * fallback paths) can run the same code on an in-process stand-in. Features add the capabilities they need
 * (rate-limit store, cache, pub/sub) on top of `kind` and `client`.
 */
export interface Backplane {
  kind: 'redis' | 'memory'
  /** The ioredis client (a Cluster when REDIS_URL names one), when kind is 'redis'. Never required for the process to start. */
  client: RedisClient | null
  /**
   * Every Redis call of the features (rate limits, cache, publish) goes through this breaker: when Redis hangs
   * or fails, the first timeout opens it and all of them use their in-process fallbacks at once, instead of
   * each request waiting for its own 200 ms timeout; a background PING closes it. Never opens in memory mode.
   * In a cluster a master that dies opens it too (its slots fail), and it closes once every slot has a master
   * that answers again: the fallbacks cover the failover.
   */
  breaker: Breaker
  /** false while the breaker is open or Redis does not answer a PING */
  ping(): Promise<boolean>
  close(): Promise<void>
}

/** Per-connection settings of the command clients: fail fast instead of queueing; callers have fallbacks. */
const FAIL_FAST = { commandTimeout: 200, connectTimeout: 2000, maxRetriesPerRequest: 1 } satisfies RedisOptions

/**
 * An ioredis Cluster for `target`. Commands for a slot whose master just died fail at once (no retries on
 * "connection closed" or CLUSTERDOWN: the breaker opens and callers take their fallback) rather than being
 * retried for up to maxRedirections × 100 ms while the cluster elects a replica; the slot map is refreshed
 * every 2 s and whenever a node is lost, so the promoted replica is found soon after the election.
 */
export function createCluster(target: Extract<RedisTarget, { mode: 'cluster' }>, opts: { name: string; subscriber?: boolean }): Cluster {
  const redisOptions: RedisOptions = {
    ...(opts.subscriber ? { connectTimeout: 2000 } : FAIL_FAST),
    username: target.username,
    password: target.password,
    tls: target.tls ? {} : undefined,
    connectionName: `livedrop-${opts.name}`,
  }
  const options: ClusterOptions = {
    lazyConnect: true,
    // The subscriber's (s)subscribe calls wait for the cluster; commands fail at once while it is unreachable.
    enableOfflineQueue: opts.subscriber === true,
    retryDelayOnFailover: opts.subscriber ? 200 : 0,
    retryDelayOnClusterDown: opts.subscriber ? 200 : 0,
    retryDelayOnTryAgain: 50,
    maxRedirections: 6,
    slotsRefreshTimeout: 1000,
    slotsRefreshInterval: 2000,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
    // One subscriber connection per shard (SSUBSCRIBE), re-established on the new master after a failover.
    shardedSubscribers: opts.subscriber === true,
    redisOptions,
  }
  return new Cluster(target.nodes, options)
}

export function createRedisClient(url: string, log: Logger, name = 'main'): RedisClient {
  const target = redisTarget(url)
  const client: RedisClient = target.mode === 'cluster'
    ? createCluster(target, { name })
    : new Redis(url, {
      lazyConnect: true,
      // Fail fast instead of queueing while Redis is away: callers have in-process fallbacks.
      enableOfflineQueue: false,
      ...FAIL_FAST,
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
  if (client instanceof Cluster) client.on('node error', (err: Error, node: string) => log.debug({ err: err.message, redis: name, node }, 'redis cluster node error'))
  client.connect().catch(() => {})
  return client
}

const withinMs = <T>(ms: number, p: Promise<T>) => Promise.race([p, Bun.sleep(ms).then(() => { throw new Error('timed out') })])

/**
 * Whether the whole cluster serves: a fresh slot map (the one the client had may still name a dead master)
 * in which every one of the 16384 slots has a master, and every such master answering PING.
 */
async function clusterServes(cluster: Cluster): Promise<boolean> {
  await withinMs(1500, new Promise<void>((resolve, reject) => cluster.refreshSlotsCache((err) => (err ? reject(err) : resolve()))))
  const owners = new Set<string>()
  for (let slot = 0; slot < 16384; slot++) {
    const owner = cluster.slots[slot]?.[0]
    if (!owner) return false
    owners.add(owner)
  }
  const byKey = new Map(cluster.nodes('master').map((n) => [`${n.options.host}:${n.options.port}`, n]))
  const replies = await Promise.all([...owners].map((key) => byKey.get(key)?.ping().catch(() => null) ?? null))
  return replies.every((r) => r === 'PONG')
}

export function createBackplane(url: string | undefined, log: Logger): Backplane {
  if (!url) {
    const breaker = createBreaker({ name: 'redis', probe: async () => true })
    return { kind: 'memory', client: null, breaker, ping: async () => true, close: async () => {} }
  }
  const client = createRedisClient(url, log)
  const ping = async () => {
    try {
      if (client instanceof Cluster) return await clusterServes(client)
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
  // (at boot, requests made before the first connection opened the breaker). In a cluster, a node that joins
  // the client's map (a replica promoted in a failover) is the same news.
  client.on('ready', () => breaker.probeNow())
  if (client instanceof Cluster) client.on('+node', () => breaker.probeNow())
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
