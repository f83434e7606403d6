import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * Every Prometheus series the server exposes on GET /metrics, on a registry of its own per Deps (tests build
 * several apps in one process). Features increment what they own: orders count confirmations and refusals,
 * the SSE code moves `sseConnections`, the cache and the rate limiter count their hits and refusals.
 */
export interface MetricsSources {
  dbPoolMax?: number
  dbConnections?: () => Promise<Array<{ state: string; count: number }>>
  /** seconds since the oldest event each outbox stage has still to handle (0 = caught up); read at scrape time */
  outboxLag?: () => Promise<{ relay: number; notifications: number } | null>
  /** seconds the oldest open transaction holding a snapshot (xmin) has been running, cluster-wide; read at scrape */
  oldestSnapshotAge?: () => Promise<number | null>
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
    dbConnections: new Gauge({
      name: 'livedrop_db_connections',
      help: "The server's PostgreSQL connections by state (active = running a query), all instances on this database",
      labelNames: ['state'] as const,
      registers: [registry],
      // postgres.js does not expose its pool queues; pg_stat_activity is the authoritative view and is read
      // only when Prometheus scrapes. A failing database reads as no sample rather than a failed scrape.
      async collect() {
        if (!opts.dbConnections) return
        this.reset()
        try {
          for (const r of await opts.dbConnections()) this.set({ state: r.state }, r.count)
        } catch {}
      },
    }),
    outboxLag: new Gauge({
      name: 'livedrop_outbox_lag_seconds',
      help: 'Age of the oldest outbox event a stage has not handled yet (0 = caught up), by stage: relay (committed, not yet numbered and published to the instances), notifications (not yet stored as notifications)',
      labelNames: ['stage'] as const,
      registers: [registry],
      // Read from the outbox when Prometheus scrapes (two index lookups); no sample while the database is away.
      async collect() {
        if (!opts.outboxLag) return
        this.reset()
        const lag = await opts.outboxLag().catch(() => null)
        if (!lag) return
        this.set({ stage: 'relay' }, lag.relay)
        this.set({ stage: 'notifications' }, lag.notifications)
      },
    }),
    oldestSnapshotAge: new Gauge({
      name: 'livedrop_db_oldest_snapshot_age_seconds',
      help: 'How long the oldest transaction holding a snapshot (backend_xmin) has been open, on the whole PostgreSQL server: a long one keeps dead rows and index entries alive (outbox relay, vacuum)',
      registers: [registry],
      async collect() {
        if (!opts.oldestSnapshotAge) return
        this.reset()
        const age = await opts.oldestSnapshotAge().catch(() => null)
        if (age !== null) this.set(age)
      },
    }),
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
