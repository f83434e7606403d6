import type { Config } from './config'
import { createSql, directSqlUrl, type Sql } from './db'
import { createLogger, type Logger } from './logger'
import { createBackplane, type Backplane } from './redis'
import { createTokenService, type TokenService } from './platform/tokens'
import { createAuthService, type AuthService } from './auth/service'
import { createUsersService, type UsersService } from './users/service'
import { createCreatorsService, type CreatorsService } from './creators/service'
import { createProductsService, type ProductsService } from './products/service'
import { createMetrics, type Metrics } from './lib/metrics'
import { createMemoryPubSub, createRedisPubSub, type PubSub } from './lib/pubsub'
import { cacheKeys, createCache, memoryStore, redisStore, type Cache } from './lib/cache'
import { createRateLimiter, type RateLimiter } from './lib/rate-limit'
import { createLifecycle, type Lifecycle } from './lib/lifecycle'
import { createDropsService, type DropsService } from './drops/service'
import { createScheduler, type Scheduler } from './drops/scheduler'
import { deleteExpiredKeys } from './orders/repo'
import { deleteEmptyRefreshFamilies, deleteExpiredRefreshTokens } from './auth/repo'
import { createOrdersService, type OrdersService } from './orders/service'
import { createFollowsService, type FollowsService } from './follows/service'
import { createNotificationsService, type NotificationsService } from './notifications/service'
import { createLiveService, type LiveService } from './events/service'
import { createHmac } from 'node:crypto'
import { createQueueService, type QueueService } from './queue/service'
import { createQueueStreams, type QueueStreams } from './queue/live'
import { createAdmissionTokens } from './queue/token'
import { createPow } from './queue/pow'
import { createRedisQueueStore } from './queue/redis-store'
import { createMemoryQueueStore } from './queue/memory-store'
import { createMaintenance, type Maintenance } from './ops/maintenance'
import { relayLag } from './events/repo'
import { oldestSnapshotAge } from './ops/repo'
import { createWebhooksService, type WebhooksService } from './webhooks/service'
import { createWebhookWorker, type WebhookWorker } from './webhooks/worker'
import { createSealer } from './webhooks/secrets'
import type { Tracing } from './lib/tracing/setup'
import { traceSql } from './lib/tracing/sql'
import { traceEvents } from './lib/tracing/events'
import { createImageStore } from './products/images/create-store'
import type { LocalStore } from './products/images/local-store'
import { imagesOfProducts, sweepAbandonedUploads, type ImagesDeps } from './products/images/service'

/** Everything the routes need, built once at boot from the resolved config. */
export interface Deps {
  config: Config
  log: Logger
  sql: Sql
  backplane: Backplane
  tokens: TokenService
  auth: AuthService
  users: UsersService
  creators: CreatorsService
  products: ProductsService
  /** product images: what their routes need (the storage among it) */
  images: ImagesDeps
  /** the storage when it is the server's own folder: its upload and media routes are then served */
  localImageStore: LocalStore | null
  drops: DropsService
  orders: OrdersService
  follows: FollowsService
  /** The waiting room of queued drops; its admitter is started by main.ts (or a test) with queue.start(). */
  queue: QueueService
  queueStreams: QueueStreams
  notifications: NotificationsService
  /** Outbox relay, notifier, SSE streams; background parts started by main.ts (or a test) with live.start(). */
  live: LiveService
  webhooks: WebhooksService
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
  const creators = createCreatorsService({ sql })
  const users = createUsersService({ sql, creators })
  // Its own key by default, derived like the queue's so that every instance sharing JWT_SECRET agrees on it.
  const uploadSigningKey = createHmac('sha256', config.jwtSecret).update('livedrop local image uploads').digest('base64url')
  const imageStore = createImageStore(config.images.storage, { publicUrl: config.publicUrl, signingKey: uploadSigningKey })
  const products = createProductsService({ sql, creators, imagesOf: (ids) => imagesOfProducts({ sql, store: imageStore.store }, ids) })
  const images: ImagesDeps = {
    sql, store: imageStore.store, creators, config: config.images, log,
    onChange: (productId) => void cache.invalidate(cacheKeys.product(productId)),
  }
  const auth = createAuthService({ sql, tokens, users, refreshTtlSec: config.refreshTokenTtlSec, refreshGraceSec: config.refreshGraceSec, jwtSecret: config.jwtSecret })
  const drops = createDropsService({ sql, creators, products })
  // Its own keys by default, derived so that every instance sharing JWT_SECRET agrees on them.
  const queueKey = (use: string) => createHmac('sha256', config.queue.tokenSecret ?? config.jwtSecret).update(`livedrop ${use}`).digest('base64url')
  const queue = createQueueService({
    // Behind the breaker: while Redis hangs every line step fails at once (a 503 with Retry-After), no request
    // waits out a timeout, and nothing falls back to memory — the line lives in Redis only (see service.ts).
    store: backplane.client ? backplane.breaker.guard(createRedisQueueStore(backplane.client, config.redisKeyPrefix)) : createMemoryQueueStore(),
    drops, creators, pubsub, log, tickMs: config.queue.tickMs,
    channel: `${config.redisKeyPrefix}queue:changed`,
    tokens: createAdmissionTokens(config.queue.tokenSecret ?? queueKey('admission tokens')),
    pow: createPow(queueKey('proof-of-work challenges')),
  })
  const queueStreams = createQueueStreams({ queue, drops, log })
  const orders = createOrdersService({
    sql, pubsub, admission: queue, restockChannel: `${config.redisKeyPrefix}orders:restock`, leaseSec: config.idempotencyLeaseSec,
    batching: config.orders.batching, maxBatch: config.orders.maxBatch, batchWindowMs: config.orders.batchWindowMs,
  })
  const follows = createFollowsService({ sql, creators, users })
  const notifications = createNotificationsService({ sql })
  const eventTracing = tracing ? traceEvents(tracing.tracer) : undefined
  const live = createLiveService({
    sql, pubsub, log, notifications, channelPrefix: config.redisKeyPrefix,
    onConnections: (stream, delta) => metrics.sseConnections.inc({ stream }, delta),
    caps: config.streams,
    onCapRefused: (scope) => metrics.rateLimited.inc({ class: scope === 'address' ? 'streamsPerAddress' : 'streamsPerUser' }),
    sessionActive: (sessionId) => auth.isSessionActive(sessionId),
    creatorIdOf: async (userId) => (await creators.findByUser(userId))?.id ?? null,
    tracing: eventTracing,
  })
  const sealer = createSealer(config.webhooks.secretKey ?? config.jwtSecret)
  const ssrfPolicy = { allowHttpLoopback: config.webhooks.allowHttpLoopback }
  const webhooks = createWebhooksService({ sql, creators, sealer, policy: ssrfPolicy, retryWindowSec: config.webhooks.retryWindowSec })
  const webhookWorker = createWebhookWorker({
    sql, log, sealer, config: { ...config.webhooks, policy: ssrfPolicy },
    ownerOf: async (creatorId) => (await creators.get(creatorId)).userId,
    tracing: eventTracing,
  })
  // Draining closes the streams (clients reconnect elsewhere with Last-Event-ID) before the pools close.
  lifecycle.onDrain(() => live.closeStreams())
  lifecycle.onDrain(() => queueStreams.close())
  // Cache invalidation and business metrics hang off the features' hooks; the features know nothing of either.
  // Search answers include drops' status and times: any change to a drop starts a new search epoch.
  drops.onChange((dropId) => void cache.invalidate(cacheKeys.drop(dropId), cacheKeys.searchEpoch))
  follows.onChange((creatorId) => void cache.invalidate(cacheKeys.creator(creatorId)))
  orders.onOutcome((outcome, dropId, availableStock) => {
    if (outcome === 'confirmed') {
      metrics.ordersConfirmed.inc()
      if (availableStock === 0) metrics.stockOuts.inc()
    } else if (outcome !== 'cancelled') metrics.ordersRefused.inc({ reason: outcome })
    // Stock moves with every order and every cancel: a drop may be served up to 1 s stale, so these
    // invalidations are coalesced per drop (a rush would otherwise send nearly every read to the database).
    if (outcome === 'confirmed' || outcome === 'cancelled') cache.invalidateSoon(cacheKeys.drop(dropId))
  })
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
      { name: 'abandoned_image_uploads', batch: 100, run: (tx, batch) => sweepAbandonedUploads(images, tx, batch) },
    ],
  })
  return {
    config, log, sql, backplane, tokens, auth, users, creators, products, images, localImageStore: imageStore.local, drops, orders, scheduler, maintenance,
    lifecycle, metrics, pubsub, cache, rateLimiter, tracing, follows, notifications, live, webhooks, webhookWorker, queue, queueStreams,
    async close() {
      await scheduler.stop()
      await maintenance.stop()
      await webhookWorker.stop()
      queueStreams.close()
      await queue.stop()
      orders.close()
      await live.stop()
      cache.close()
      await pubsub.close()
      await backplane.close()
      await sql.end({ timeout: 5 })
      if (listenSql && listenSql !== sql) await listenSql.end({ timeout: 5 })
    },
  }
}
