import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * Every Prometheus series the server exposes on GET /metrics, on a registry of its own per Deps (tests build
 * several apps in one process). Features increment what they own: orders count confirmations and refusals,
 * the SSE code moves `sseConnections`, the cache and the rate limiter count their hits and refusals.
 */
export interface MetricsSources {
  dbPoolMax?: number
  dbConnections?: () => Promise<Array<{ state: string; count: number }>>
  /** Per outbox consumer (notifier, webhook fan-out…): events not yet processed and the oldest one's age. */
  outboxLag?: () => Promise<Array<{ consumer: string; events: number; seconds: number }>>
}

/** A gauge read from the database only when Prometheus scrapes; a failing read is no sample, not a failed scrape. */
function scraped<T>(registry: Registry, name: string, help: string, labelName: string, read: (() => Promise<T[]>) | undefined, pick: (row: T) => [string, number]) {
  return new Gauge({
    name, help, labelNames: [labelName], registers: [registry],
    async collect() {
      if (!read) return
      this.reset()
      try {
        for (const r of await read()) {
          const [label, value] = pick(r)
          this.set({ [labelName]: label }, value)
        }
      } catch {}
    },
  })
}

export function createMetrics(opts: MetricsSources = {}) {
  const registry = new Registry()
  try {
    collectDefaultMetrics({ register: registry, prefix: 'livedrop_' })
  } catch {
    // Some runtime probes (event-loop lag) are not available everywhere; the API's own series still are.
  }
  const m = {
    registry,
    httpRequests: new Counter({
      name: 'livedrop_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'livedrop_http_request_duration_seconds',
      help: 'Time from request received to response produced, by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ordersConfirmed: new Counter({ name: 'livedrop_orders_confirmed_total', help: 'Orders confirmed', registers: [registry] }),
    ordersRefused: new Counter({
      name: 'livedrop_orders_refused_total',
      help: 'Orders refused, by reason (the problem code, e.g. SOLD_OUT)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    stockOuts: new Counter({ name: 'livedrop_drop_stock_outs_total', help: 'Drops whose available stock reached 0', registers: [registry] }),
    sseConnections: new Gauge({
      name: 'livedrop_sse_connections',
      help: 'Open Server-Sent Events streams, by stream kind',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    cacheHits: new Counter({
      name: 'livedrop_cache_hits_total',
      help: 'Cache hits, by cache and layer (local = in-process, shared = Redis)',
      labelNames: ['cache', 'layer'] as const,
      registers: [registry],
    }),
    cacheMisses: new Counter({
      name: 'livedrop_cache_misses_total',
      help: 'Cache misses that went to the database, by cache',
      labelNames: ['cache'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'livedrop_rate_limit_refusals_total',
      help: 'Requests refused with 429, by limit class',
      labelNames: ['class'] as const,
      registers: [registry],
    }),
    redisFallbackActive: new Gauge({
      name: 'livedrop_redis_fallback_active',
      help: '1 while a component serves from its in-process fallback because Redis failed, by component',
      labelNames: ['component'] as const,
      registers: [registry],
    }),
    redisFallbacks: new Counter({
      name: 'livedrop_redis_fallback_total',
      help: 'Operations served by an in-process fallback because Redis failed or was too slow, by component',
      labelNames: ['component'] as const,
      registers: [registry],
    }),
    dbPoolMax: new Gauge({ name: 'livedrop_db_pool_max', help: 'Configured PostgreSQL pool size of this instance', registers: [registry] }),
    // postgres.js does not expose its pool queues; pg_stat_activity is the authoritative view.
    dbConnections: scraped(registry, 'livedrop_db_connections',
      "The server's PostgreSQL connections by state (active = running a query), all instances on this database",
      'state', opts.dbConnections, (r) => [r.state, r.count]),
    // A consumer that stopped holds back outbox pruning: these two show which one, and by how much.
    outboxLagEvents: scraped(registry, 'livedrop_outbox_consumer_lag_events',
      'Numbered outbox events a background consumer has not processed yet, by consumer', 'consumer', opts.outboxLag, (r) => [r.consumer, r.events]),
    outboxLagSeconds: scraped(registry, 'livedrop_outbox_consumer_lag_seconds',
      'Age of the oldest outbox event a background consumer has not processed yet (0 when caught up), by consumer',
      'consumer', opts.outboxLag, (r) => [r.consumer, r.seconds]),
  }
  if (opts.dbPoolMax) m.dbPoolMax.set(opts.dbPoolMax)
  return m
}

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Tracks whether a component currently runs on its fallback: flips the gauge and logs only on transitions,
 * so an outage yields one warning and one recovery line instead of one per request.
 */
export function fallbackTracker(metrics: Metrics, component: string, log: { warn(o: object, m: string): void; info(o: object, m: string): void }) {
  let active = false
  metrics.redisFallbackActive.set({ component }, 0)
  return {
    get active() {
      return active
    },
    failed(err: unknown) {
      metrics.redisFallbacks.inc({ component })
      if (active) return
      active = true
      metrics.redisFallbackActive.set({ component }, 1)
      log.warn({ component, err: err instanceof Error ? err.message : String(err) }, 'redis failed: using the in-process fallback')
    },
    ok() {
      if (!active) return
      active = false
      metrics.redisFallbackActive.set({ component }, 0)
      log.info({ component }, 'redis back: fallback off')
    },
  }
}
