/**
 * The only reader of process.env. Resolved once at boot and passed down ("config at request time is what made
 * the route untestable").
 */
import { bool, ConfigError, httpUrl, int, intMax } from './lib/env'
import { database, redisKeyPrefix, redisUrl } from './config-stores'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** undefined → an embedded PostgreSQL is started (zero set-up dev mode) */
  databaseUrl: string | undefined
  /**
   * How DATABASE_URL reaches PostgreSQL: `session` (directly, or a pooler in session mode) or `transaction`
   * (PgBouncer-style transaction pooling: no session state survives a transaction; see db.ts)
   */
  dbPoolMode: 'session' | 'transaction'
  /** postgres.js named prepared statements; off by default in transaction mode (PgBouncer < 1.21 cannot keep them) */
  dbPrepare: boolean
  /**
   * A direct (session) connection for what transaction pooling cannot carry: the scheduler's LISTEN and the
   * migrations. undefined → DATABASE_URL in session mode; in transaction mode the scheduler then polls.
   */
  databaseDirectUrl: string | undefined
  /**
   * undefined → in-process stand-ins for Redis. One server (`redis://`, `rediss://`) or a Redis Cluster
   * (`redis+cluster://host:port,host:port`, also built from REDIS_CLUSTER_NODES): parse with redisTarget().
   */
  redisUrl: string | undefined
  jwtSecret: string | undefined
  jwtIssuer: string
  jwtAudience: string
  accessTokenTtlSec: number
  refreshTokenTtlSec: number
  /** how long (≤ 10 s) a repeat of the same refresh answers the same pair instead of counting as token reuse */
  refreshGraceSec: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** JSON lines for machines; `pretty` (colour, one readable line per entry) for a person at a terminal */
  logFormat: 'json' | 'pretty'
  dbPoolMax: number
  dbStatementTimeoutMs: number
  dataDir: string
  embeddedPgPort: number
  shutdownGraceMs: number
  runScheduler: boolean
  /** the longest any request may take before it is answered 503 (a dependency that hangs without failing) */
  requestTimeoutMs: number
  /** how long an order request holds its Idempotency-Key before a retry may take over (crash recovery) */
  idempotencyLeaseSec: number
  /** per-drop order combining (orders/batch.ts); false = one order per statement */
  orders: { batching: boolean; maxBatch: number; batchWindowMs: number }
  /** prefix of every Redis key and channel this deployment uses */
  redisKeyPrefix: string
  rateLimit: {
    enabled: boolean
    /** per class: at most `points` requests per `windowSec` per user (or client IP when anonymous) */
    reads: RateLimitRule
    writes: RateLimitRule
    orders: RateLimitRule
    /** log-in and registration per client IP */
    authIp: RateLimitRule
    /** log-in and registration per account (email) */
    authAccount: RateLimitRule
    /** proxies whose X-Forwarded-For is believed: IPs or IPv4 CIDRs; empty = never read the header */
    trustedProxies: string[]
  }
  cache: { enabled: boolean }
  /**
   * full-text search: `language` is a PostgreSQL text search configuration (english, simple, german…), baked
   * into the search columns at boot (server/migrations/0008_search.sql explains why; changing it rebuilds them)
   */
  search: { language: string }
  /** the waiting room of queued drops (server/src/queue) */
  queue: {
    /** HMAC key of admission tokens; undefined → derived from JWT_SECRET */
    tokenSecret: string | undefined
    /** how often each instance runs the admitter */
    tickMs: number
  }
  /** concurrent SSE streams this instance holds open; 0 = no cap */
  streams: {
    /** per client address (both streams; TRUSTED_PROXIES decides what the address is) */
    perAddress: number
    /** per user (the personal stream) */
    perUser: number
  }
  /** creator webhooks (webhooks/): delivery timing and the SSRF guard's one dev exception */
  webhooks: {
    /** dev/test only: http and loopback addresses allowed as webhook targets (never in production) */
    allowHttpLoopback: boolean
    timeoutMs: number
    retryWindowSec: number
    disableAfterSec: number
    backoffBaseMs: number
    backoffMaxMs: number
    concurrency: number
    pollMs: number
    /** key material for sealing signing secrets; undefined → derived from JWT_SECRET */
    secretKey: string | undefined
  }
  /** the origin clients reach this server at (absolute URLs of the local storage's uploads and images) */
  publicUrl: string
  /** product images (products/images/) */
  images: ImagesConfig
  /** OpenTelemetry traces (lib/tracing/); endpoint null = off, and no SDK is loaded */
  otel: OtelConfig
}

export interface OtelConfig {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL (spans go to <endpoint>/v1/traces) */
  endpoint: string | null
  /** OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (the OTLP default) or http/json */
  protocol: 'http/protobuf' | 'http/json'
  /** OTEL_SERVICE_NAME (default livedrop) */
  serviceName: string
}

export interface S3Settings {
  /** undefined → AWS itself (the region's endpoint) */
  endpoint: string | undefined
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** where the bucket's objects are read publicly (a CDN); undefined → `<endpoint>/<bucket>` */
  publicUrl: string | undefined
}

export interface ImagesConfig {
  /** the largest upload accepted, in bytes */
  maxBytes: number
  /** the most pixels (width × height) an upload may decode to */
  maxPixels: number
  /** images per product, uploads in progress included */
  maxPerProduct: number
  /** how long a presigned upload URL is valid */
  uploadTtlSec: number
  /** local: a folder of this server (the embedded default); s3: any S3-compatible bucket */
  storage: { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Settings)
}

export interface RateLimitRule {
  points: number
  windowSec: number
}

export { ConfigError }
export { redisTarget, type RedisTarget } from './config-stores'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * A text search configuration name, optionally schema-qualified. Only its shape is checked here: whether the
 * database has it is checked at boot, where the cast to regconfig fails with PostgreSQL's own message.
 */
function searchLanguage(env: Record<string, string | undefined>): string {
  const raw = env.SEARCH_LANGUAGE
  if (raw === undefined || raw === '') return 'english'
  if (!/^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(`SEARCH_LANGUAGE must be a PostgreSQL text search configuration such as english or simple, got "${raw}"`)
  }
  return raw
}

function rule(env: Record<string, string | undefined>, name: string, fallback: RateLimitRule): RateLimitRule {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim())
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new ConfigError(`${name} must be "<requests>/<seconds>" (e.g. 20/10), got "${raw}"`)
  return { points: Number(m[1]), windowSec: Number(m[2]) }
}

function webhookSecretKey(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  if (Buffer.byteLength(raw) < 32) throw new ConfigError('WEBHOOKS_SECRET_KEY must be at least 32 bytes')
  return raw
}

const S3_VARS = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION', 'S3_PUBLIC_URL'] as const

/** S3 when any S3_* variable is set (then the bucket and both keys are required); the local folder otherwise. */
function imageStorage(env: Record<string, string | undefined>, dataDir: string): ImagesConfig['storage'] {
  if (!S3_VARS.some((v) => env[v])) return { kind: 'local', dir: env.IMAGES_DIR || `${dataDir}/media` }
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((v) => !env[v])
  if (missing.length) throw new ConfigError(`S3 storage needs ${missing.join(', ')} (set all of S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, or none of the S3_* variables)`)
  const bucket = env.S3_BUCKET!
  // The DNS-compatible bucket rule (S3's own, and what path-style URLs of other S3-compatible servers accept).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`S3_BUCKET must be a valid bucket name, got "${bucket}"`)
  const region = env.S3_REGION || 'us-east-1'
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new ConfigError(`S3_REGION must be a region name such as eu-west-1, got "${region}"`)
  return {
    kind: 's3',
    endpoint: env.S3_ENDPOINT ? httpUrl('S3_ENDPOINT', env.S3_ENDPOINT) : undefined,
    bucket,
    region,
    accessKeyId: env.S3_ACCESS_KEY_ID!,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
    publicUrl: env.S3_PUBLIC_URL ? httpUrl('S3_PUBLIC_URL', env.S3_PUBLIC_URL) : undefined,
  }
}

function queueSecret(env: Record<string, string | undefined>): string | undefined {
  const raw = env.ADMISSION_TOKEN_SECRET || undefined
  if (raw !== undefined && Buffer.byteLength(raw) < 32) throw new ConfigError('ADMISSION_TOKEN_SECRET must be at least 32 bytes')
  return raw
}

/** `stdoutIsTty`: whether a person reads the logs (the default log format follows it). */
export function loadConfig(env: Record<string, string | undefined> = process.env, stdoutIsTty = process.stdout.isTTY === true): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'
  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info')) as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const logFormat = (env.LOG_FORMAT || (nodeEnv === 'development' && stdoutIsTty ? 'pretty' : 'json')) as Config['logFormat']
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError('LOG_FORMAT must be json or pretty')
  const db = database(env)
  const databaseUrl = db.url
  const jwtSecret = env.JWT_SECRET || undefined
  // A short HS256 key can be brute-forced offline from any token. Only the embedded dev mode may run without
  // one: it then generates and keeps a random secret of its own (see main.ts).
  if (databaseUrl !== undefined && (jwtSecret === undefined || Buffer.byteLength(jwtSecret) < 32)) {
    throw new ConfigError('JWT_SECRET must be set to at least 32 bytes (only the embedded dev mode may omit it)')
  }
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 bytes')
  }
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 15_000, 100)
  // A request that is still running must never lose its idempotency key to a retry: the lease outlives the
  // request deadline (a request past it has been answered 503 and its work is abandoned).
  const leaseSec = int(env, 'IDEMPOTENCY_LEASE_SEC', Math.ceil(requestTimeoutMs / 1000) + 5, 1)
  if (leaseSec * 1000 <= requestTimeoutMs) {
    throw new ConfigError(`IDEMPOTENCY_LEASE_SEC (${leaseSec}) must be longer than REQUEST_TIMEOUT_MS (${requestTimeoutMs} ms)`)
  }
  const port = int(env, 'PORT', 3000)
  const dataDir = env.LIVEDROP_DATA_DIR || '.livedrop'
  const images: ImagesConfig = {
    maxBytes: intMax(env, 'IMAGE_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxPixels: intMax(env, 'IMAGE_MAX_PIXELS', 40_000_000, 1, 268_402_689),
    maxPerProduct: intMax(env, 'IMAGE_MAX_PER_PRODUCT', 12, 1, 100),
    // S3 refuses a presigned URL valid for more than 7 days.
    uploadTtlSec: intMax(env, 'IMAGE_UPLOAD_TTL_SEC', 15 * 60, 1, 7 * 24 * 3600),
    storage: imageStorage(env, dataDir),
  }
  return {
    env: nodeEnv,
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dbPoolMode: db.poolMode,
    dbPrepare: db.prepare,
    databaseDirectUrl: db.directUrl,
    redisUrl: redisUrl(env),
    jwtSecret,
    jwtIssuer: env.JWT_ISSUER || 'livedrop',
    jwtAudience: env.JWT_AUDIENCE || 'livedrop-api',
    accessTokenTtlSec: int(env, 'ACCESS_TOKEN_TTL_SEC', 15 * 60, 1),
    refreshTokenTtlSec: int(env, 'REFRESH_TOKEN_TTL_SEC', 30 * 24 * 3600, 1),
    // RFC 9700 asks for a short leeway: long enough for two tabs or a retry after a lost answer, no longer.
    refreshGraceSec: intMax(env, 'REFRESH_GRACE_SEC', 10, 0, 10),
    logLevel,
    logFormat,
    dbPoolMax: int(env, 'DB_POOL_MAX', 20, 1),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100),
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 8000, 0),
    runScheduler: bool(env, 'RUN_SCHEDULER', true),
    idempotencyLeaseSec: leaseSec,
    requestTimeoutMs,
    orders: {
      batching: bool(env, 'ORDER_BATCHING', true),
      maxBatch: int(env, 'ORDER_BATCH_MAX', 500, 1),
      batchWindowMs: int(env, 'ORDER_BATCH_WINDOW_MS', 0, 0),
    },
    redisKeyPrefix: redisKeyPrefix(env.REDIS_KEY_PREFIX),
    // Defaults: a load test's many users reading from one address must pass (6,000 reads/s per address),
    // while one account hammering orders (over 2/s sustained) or guessing passwords is stopped.
    rateLimit: {
      enabled: bool(env, 'RATE_LIMIT_ENABLED', true),
      reads: rule(env, 'RATE_LIMIT_READS', { points: 60_000, windowSec: 10 }),
      writes: rule(env, 'RATE_LIMIT_WRITES', { points: 600, windowSec: 10 }),
      orders: rule(env, 'RATE_LIMIT_ORDERS', { points: 20, windowSec: 10 }),
      authIp: rule(env, 'RATE_LIMIT_AUTH_IP', { points: 1000, windowSec: 60 }),
      authAccount: rule(env, 'RATE_LIMIT_AUTH_ACCOUNT', { points: 10, windowSec: 300 }),
      trustedProxies: (env.TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    cache: { enabled: bool(env, 'CACHE_ENABLED', true) },
    search: { language: searchLanguage(env) },
    queue: { tokenSecret: queueSecret(env), tickMs: int(env, 'QUEUE_TICK_MS', 200, 10) },
    // A browser holds a few tabs per user; an office behind one NAT address many users. 2,000 streams from one
    // address is an attack on the instance's sockets and memory, not an audience.
    streams: {
      perAddress: int(env, 'SSE_MAX_STREAMS_PER_ADDRESS', 200, 0),
      perUser: int(env, 'SSE_MAX_STREAMS_PER_USER', 10, 0),
    },
    webhooks: {
      allowHttpLoopback: bool(env, 'WEBHOOKS_ALLOW_HTTP_LOOPBACK', false),
      timeoutMs: int(env, 'WEBHOOKS_TIMEOUT_MS', 10_000, 100),
      retryWindowSec: int(env, 'WEBHOOKS_RETRY_WINDOW_SEC', 24 * 3600, 1),
      disableAfterSec: int(env, 'WEBHOOKS_DISABLE_AFTER_SEC', 24 * 3600, 1),
      backoffBaseMs: int(env, 'WEBHOOKS_BACKOFF_BASE_MS', 5000, 1),
      backoffMaxMs: int(env, 'WEBHOOKS_BACKOFF_MAX_MS', 3600_000, 1),
      concurrency: int(env, 'WEBHOOKS_CONCURRENCY', 32, 1),
      pollMs: int(env, 'WEBHOOKS_POLL_MS', 250, 10),
      secretKey: webhookSecretKey(env.WEBHOOKS_SECRET_KEY),
    },
    publicUrl: httpUrl('PUBLIC_URL', env.PUBLIC_URL || `http://localhost:${port}`),
    images,
    otel: otelConfig(env),
  }
}

/** The standard OpenTelemetry variables (an empty endpoint, as compose passes when unset, means off). */
function otelConfig(env: Record<string, string | undefined>): OtelConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || null
  if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint)) throw new ConfigError('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL')
  const protocol = (env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf') as OtelConfig['protocol']
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') throw new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not supported)')
  return { endpoint, protocol, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'livedrop' }
}
