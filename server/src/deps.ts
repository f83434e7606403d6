import type { Config } from './config'
import { createSql, directSqlUrl, type Sql } from './db'
import { createLogger, type Logger } from './logger'
import { createBackplane, type Backplane } from './redis'
import { createTokenService, type TokenService } from './platform/tokens'
import { createMetrics, type Metrics } from './lib/metrics'
import { createMemoryPubSub, createRedisPubSub, type PubSub } from './lib/pubsub'
import { cacheKeys, createCache, memoryStore, redisStore, type Cache } from './lib/cache'
import { createRateLimiter, type RateLimiter } from './lib/rate-limit'
import { createLifecycle, type Lifecycle } from './lib/lifecycle'
import { getDrop } from './drops/service'
import { createScheduler, type Scheduler } from './drops/scheduler'
import { deleteExpiredKeys } from './orders/repo'
import { deleteEmptyRefreshFamilies, deleteExpiredRefreshTokens } from './auth/repo'
import { createOrdering, type Ordering } from './orders/ordering'
import type { Outcome } from './orders/batch'
import { createLive, type Live } from './events/live'
import { createHmac } from 'node:crypto'
import { createWaitingRoom, type WaitingRoom } from './queue/room'
import { createQueueStreams, type QueueStreams } from './queue/live'
import { createAdmissionTokens } from './queue/token'
import { createPow } from './queue/pow'
import { createRedisQueueStore } from './queue/redis-store'
import { createMemoryQueueStore } from './queue/memory-store'
import { createMaintenance, type Maintenance } from './ops/maintenance'
import { relayLag } from './events/repo'
import { oldestSnapshotAge } from './ops/repo'
import type { WebhooksDeps } from './webhooks/service'
import { createWebhookWorker, type WebhookWorker } from './webhooks/worker'
import { createSealer } from './webhooks/secrets'
import { getCreator } from './creators/service'
import type { Tracing } from './lib/tracing/setup'
import { traceSql } from './lib/tracing/sql'
import { traceEvents } from './lib/tracing/events'
import { createImageStore } from './products/images/create-store'
import type { LocalStore } from './products/images/local-store'
import { sweepAbandonedUploads, type ImagesDeps } from './products/images/service'

/**
 * What the features report and the wiring reacts to (cache invalidation, business metrics); the features know
 * nothing of either. Each feature's deps type names the hooks it calls.
 */
export interface Hooks {
  /** awaited: the creator's own next request finds it (a new search epoch) */
  creatorAdded(creatorId: string): Promise<void>
  /** awaited: the writer's next read sees the change (the cached product and search answers go first) */
  productChanged(productId: string): Promise<void>
  dropChanged(dropId: string): void
  followersChanged(creatorId: string): void
  orderDecided(outcome: Outcome, dropId: string, availableStock?: number): void
  productImagesChanged(productId: string): void
}

/**
 * Everything the verbs and routes need, built once at boot from the resolved config. A verb is a function
 * `verb(deps, …)` in its feature's service.ts whose deps type names the part of this it uses; what is here
 * besides clients and settings is each instance's running machinery (the order combiner, the waiting room's
 * admitter, the live hub, the workers).
 */
export interface Deps {
  config: Config
  log: Logger
  sql: Sql
  backplane: Backplane
  tokens: TokenService
  hooks: Hooks
  /** Product images' storage and limits (products/images/). */
  images: ImagesDeps['images']
  /** the storage when it is the server's own folder: its upload and media routes are then served */
  localImageStore: LocalStore | null
  /** The order combiner and the sold-out book (orders/ordering.ts). */
  ordering: Ordering
  /** The waiting room of queued drops; its admitter is started by main.ts (or a test) with queue.start(). */
  queue: WaitingRoom
  queueStreams: QueueStreams
  /** Outbox relay, hub, notifier, stream opening; background parts started by main.ts (or a test) with live.start(). */
  live: Live
  /** The webhook endpoints' settings (sealer, SSRF policy, retry window). */
  webhooks: WebhooksDeps['webhooks']
  /** Webhook fan-out and delivery; started by main.ts (or a test) with webhookWorker.start(). */
  webhookWorker: WebhookWorker
  /** Moves drops on time; started by main.ts (or a test), never by createDeps. */
  scheduler: Scheduler
  /** Expired idempotency keys and refresh tokens, deleted in batches by one instance at a time; started by main.ts. */
  maintenance: Maintenance
  lifecycle: Lifecycle
  metrics: Metrics
  pubsub: PubSub
  cache: Cache
  /** null when RATE_LIMIT_ENABLED=false */
  rateLimiter: RateLimiter | null
  /** null unless OTEL_EXPORTER_OTLP_ENDPOINT is set (main.ts starts it before createDeps) */
  tracing: Tracing | null
  close(): Promise<void>
}

export function createDeps(config: Config & { databaseUrl: string; jwtSecret: string }, log: Logger = createLogger(config), tracing: Tracing | null = null): Deps {
  // Traced only when tracing runs: otherwise the pool is postgres.js's own, with nothing in between.
  const sql = tracing ? traceSql(createSql(config.databaseUrl, config), tracing.tracer) : createSql(config.databaseUrl, config)
  // The scheduler's LISTEN needs a session: the pool itself, or behind a transaction pooler a direct
  // connection (DATABASE_DIRECT_URL) of its own; with neither the scheduler polls (scheduler.ts).
  const directUrl = directSqlUrl(config)
  const listenSql = directUrl === null ? null : directUrl === config.databaseUrl ? sql : createSql(directUrl, { ...config, dbPoolMax: 1, dbPoolMode: 'session', dbPrepare: true })
  const backplane = createBackplane(config.redisUrl, log)
  const tokens = createTokenService(config)
  // Bounded so that a scrape during a database outage answers quickly (no sample rather than a slow scrape).
  const bounded = <T>(q: Promise<T>): Promise<T | null> => Promise.race([q, Bun.sleep(500).then(() => null)])
  const metrics = createMetrics({
    dbPoolMax: config.dbPoolMax,
    dbConnections: async () => (await bounded(sql<{ state: string; count: number }[]>`
        select coalesce(state, 'unknown') as state, count(*)::int as count from pg_stat_activity
        where application_name = 'livedrop' and datname = current_database() group by 1`)) ?? [],
    // `live` is defined below; these run only when Prometheus scrapes.
    outboxLag: async () => (await bounded(live.consumerLag())) ?? [],
    relayLag: () => bounded(relayLag(sql)),
    oldestSnapshotAge: () => bounded(oldestSnapshotAge(sql)),
  })
  // One gauge for the breaker that routes every component to its fallback at once (see redis.ts).
  metrics.redisFallbackActive.set({ component: 'redis' }, 0)
  backplane.breaker.onChange((open) => metrics.redisFallbackActive.set({ component: 'redis' }, open ? 1 : 0))
  const pubsub = backplane.client ? createRedisPubSub(config.redisUrl!, backplane.client, log, backplane.breaker) : createMemoryPubSub(log)
  const cache = createCache({
    // Guarded: while the breaker is open the shared layer fails at once and the cache reads the database.
    store: backplane.client ? backplane.breaker.guard(redisStore(backplane.client, `${config.redisKeyPrefix}cache:`)) : memoryStore(),
    channel: `${config.redisKeyPrefix}cache:invalidate`,
    pubsub, metrics, log, enabled: config.cache.enabled,
  })
  const rateLimiter = config.rateLimit.enabled
    ? createRateLimiter({ client: backplane.client, breaker: backplane.breaker, prefix: config.redisKeyPrefix, limits: config.rateLimit, metrics, log })
    : null
  const lifecycle = createLifecycle((err) => log.error({ err }, 'drain hook failed'))
  // What the features report, turned into cache invalidations and business metrics.
  const hooks: Hooks = {
    // Search answers list creators and products: a new search epoch makes them findable at once (see CACHED.search).
    creatorAdded: () => cache.invalidate(cacheKeys.searchEpoch),
    productChanged: (productId) => cache.invalidate(cacheKeys.product(productId), cacheKeys.searchEpoch),
    // Search answers include drops' status and times: any change to a drop starts a new search epoch.
    dropChanged: (dropId) => void cache.invalidate(cacheKeys.drop(dropId), cacheKeys.searchEpoch),
    followersChanged: (creatorId) => void cache.invalidate(cacheKeys.creator(creatorId)),
    productImagesChanged: (productId) => void cache.invalidate(cacheKeys.product(productId)),
    orderDecided: (outcome, dropId, availableStock) => {
      if (outcome === 'confirmed') {
        metrics.ordersConfirmed.inc()
        if (availableStock === 0) metrics.stockOuts.inc()
      } else if (outcome !== 'cancelled') metrics.ordersRefused.inc({ reason: outcome })
      // Stock moves with every order and every cancel: a drop may be served up to 1 s stale, so these
      // invalidations are coalesced per drop (a rush would otherwise send nearly every read to the database).
      if (outcome === 'confirmed' || outcome === 'cancelled') cache.invalidateSoon(cacheKeys.drop(dropId))
    },
  }
  // Its own key by default, derived like the queue's so that every instance sharing JWT_SECRET agrees on it.
  const uploadSigningKey = createHmac('sha256', config.jwtSecret).update('livedrop local image uploads').digest('base64url')
  const imageStore = createImageStore(config.images.storage, { publicUrl: config.publicUrl, signingKey: uploadSigningKey })
  const images: ImagesDeps['images'] = { store: imageStore.store, config: config.images }
  // Its own keys by default, derived so that every instance sharing JWT_SECRET agrees on them.
  const queueKey = (use: string) => createHmac('sha256', config.queue.tokenSecret ?? config.jwtSecret).update(`livedrop ${use}`).digest('base64url')
  const queue = createWaitingRoom({
    // Behind the breaker: while Redis hangs every line step fails at once (a 503 with Retry-After), no request
    // waits out a timeout, and nothing falls back to memory — the line lives in Redis only (see room.ts).
    store: backplane.client ? backplane.breaker.guard(createRedisQueueStore(backplane.client, config.redisKeyPrefix)) : createMemoryQueueStore(),
    readDrop: (dropId) => getDrop({ sql }, dropId),
    pubsub, log, tickMs: config.queue.tickMs,
    channel: `${config.redisKeyPrefix}queue:changed`,
    tokens: createAdmissionTokens(config.queue.tokenSecret ?? queueKey('admission tokens')),
    pow: createPow(queueKey('proof-of-work challenges')),
  })
  const queueStreams = createQueueStreams({ sql, queue, log })
  const ordering = createOrdering({
    sql, pubsub, restockChannel: `${config.redisKeyPrefix}orders:restock`,
    maxBatch: config.orders.maxBatch, batchWindowMs: config.orders.batchWindowMs, outcome: hooks.orderDecided,
  })
  const eventTracing = tracing ? traceEvents(tracing.tracer) : undefined
  const live = createLive({
    sql, pubsub, log, channelPrefix: config.redisKeyPrefix,
    onConnections: (stream, delta) => metrics.sseConnections.inc({ stream }, delta),
    caps: config.streams,
    onCapRefused: (scope) => metrics.rateLimited.inc({ class: scope === 'address' ? 'streamsPerAddress' : 'streamsPerUser' }),
    tracing: eventTracing,
  })
  const sealer = createSealer(config.webhooks.secretKey ?? config.jwtSecret)
  const ssrfPolicy = { allowHttpLoopback: config.webhooks.allowHttpLoopback }
  const webhooks: WebhooksDeps['webhooks'] = { sealer, policy: ssrfPolicy, retryWindowSec: config.webhooks.retryWindowSec }
  const webhookWorker = createWebhookWorker({
    sql, log, sealer, config: { ...config.webhooks, policy: ssrfPolicy },
    ownerOf: async (creatorId) => (await getCreator({ sql }, creatorId)).userId,
    tracing: eventTracing,
  })
  // Draining closes the streams (clients reconnect elsewhere with Last-Event-ID) before the pools close.
  lifecycle.onDrain(() => live.closeStreams())
  lifecycle.onDrain(() => queueStreams.close())
  const scheduler = createScheduler({
    sql,
    log,
    onTransition: (moved) => void cache.invalidate(...moved.map((d) => cacheKeys.drop(d.id)), cacheKeys.searchEpoch),
    actor: `scheduler:${process.pid}`,
    listenOn: listenSql,
  })
  const maintenance = createMaintenance({
    sql,
    log,
    sweeps: [
      { name: 'idempotency_keys', batch: 5000, run: deleteExpiredKeys },
      { name: 'refresh_tokens', batch: 5000, run: deleteExpiredRefreshTokens },
      { name: 'refresh_families', batch: 5000, run: deleteEmptyRefreshFamilies },
      // Small batches: each abandoned upload is also a storage call.
      { name: 'abandoned_image_uploads', batch: 100, run: (tx, batch) => sweepAbandonedUploads({ images }, tx, batch) },
    ],
  })
  return {
    config, log, sql, backplane, tokens, hooks, images, localImageStore: imageStore.local, ordering, scheduler, maintenance,
    lifecycle, metrics, pubsub, cache, rateLimiter, tracing, live, webhooks, webhookWorker, queue, queueStreams,
    async close() {
      await scheduler.stop()
      await maintenance.stop()
      await webhookWorker.stop()
      queueStreams.close()
      await queue.stop()
      ordering.close()
      await live.stop()
      cache.close()
      await pubsub.close()
      await backplane.close()
      await sql.end({ timeout: 5 })
      if (listenSql && listenSql !== sql) await listenSql.end({ timeout: 5 })
    },
  }
}
