/**
 * The only reader of process.env. Resolved once at boot and passed down ("config at request time is what made
 * the route untestable").
 */
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

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function int(env: Record<string, string | undefined>, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`)
  return n
}

function intMax(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const n = int(env, name, fallback, min)
  if (n > max) throw new ConfigError(`${name} must be at most ${max}, got "${env[name]}"`)
  return n
}

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

function bool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
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

function httpUrl(name: string, raw: string): string {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`)
  if (u.search || u.hash || u.username || u.password) throw new ConfigError(`${name} must carry no query, fragment or credentials`)
  return u.toString().replace(/\/+$/, '')
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

export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; username?: string; password?: string; tls: boolean }

function redisNode(raw: string, what: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(raw.trim())
  const port = Number(m?.[2])
  if (!m || port < 1 || port > 65535) throw new ConfigError(`${what}: "${raw}" is not host:port`)
  return { host: m[1].replace(/^\[|\]$/g, ''), port }
}

/**
 * What REDIS_URL names: one server (redis://, rediss://) or a cluster, `redis+cluster://[user:password@]host:port,…`
 * (rediss+cluster:// for TLS) — a list of seed nodes, of which any one that answers is enough to find the rest.
 * Throws ConfigError with the reason for anything else.
 */
export function redisTarget(url: string): RedisTarget {
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/.exec(url)
  if (cluster) {
    const [user, ...pass] = (cluster[2] ?? '').split(':')
    const nodes = cluster[3].split(',').filter((n) => n.trim()).map((n) => redisNode(n, 'REDIS_URL (cluster)'))
    if (!nodes.length) throw new ConfigError('REDIS_URL names a cluster without nodes')
    return {
      mode: 'cluster',
      nodes,
      username: user ? decodeURIComponent(user) : undefined,
      password: pass.length ? decodeURIComponent(pass.join(':')) : undefined,
      tls: cluster[1] === 'rediss',
    }
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError('REDIS_URL must be redis://host:port, rediss://… or redis+cluster://host:port,host:port,…')
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must be redis://, rediss:// or redis+cluster://, got "${parsed.protocol}//…"`)
  }
  return { mode: 'single', url }
}

/** REDIS_URL, with REDIS_CLUSTER_NODES (a comma-separated host:port list) folded into a redis+cluster:// URL. */
function redisUrl(env: Record<string, string | undefined>): string | undefined {
  const url = env.REDIS_URL || undefined
  const list = (env.REDIS_CLUSTER_NODES ?? '').split(',').map((n) => n.trim()).filter(Boolean)
  if (!list.length) {
    if (url !== undefined) redisTarget(url)
    return url
  }
  const nodes = list.map((n) => redisNode(n, 'REDIS_CLUSTER_NODES')).map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`))
  if (url === undefined) return `redis+cluster://${nodes.join(',')}`
  const target = redisTarget(url)
  if (target.mode === 'single') {
    throw new ConfigError('REDIS_CLUSTER_NODES names a cluster but REDIS_URL names one server: use REDIS_URL=redis+cluster://… or unset one of them')
  }
  // Seeds from both; the URL keeps the credentials and TLS.
  const m = /^(rediss?\+cluster:\/\/(?:[^@/]*@)?)([^/?#@]+)\/?$/.exec(url)!
  return `${m[1]}${[...new Set([...m[2].split(','), ...nodes])].join(',')}`
}

function redisKeyPrefix(raw: string | undefined): string {
  const prefix = raw || 'livedrop:'
  // A brace in the prefix would become every key's hash tag in a cluster: all keys in one slot.
  if (/[{}]/.test(prefix)) throw new ConfigError('REDIS_KEY_PREFIX must not contain { or } (Redis Cluster hash tags)')
  return prefix
}

function postgresUrl(name: string, raw: string): URL {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new ConfigError(`${name} must be a postgres:// URL, got "${u.protocol}//…"`)
  return u
}

/**
 * DATABASE_POOL_MODE (session | transaction), or `?pgbouncer=true` on DATABASE_URL (the flag other tools use for
 * a transaction-pooling PgBouncer; removed before the URL reaches postgres.js, which would send it to the server).
 */
function database(env: Record<string, string | undefined>) {
  let url = env.DATABASE_URL || undefined
  const mode = env.DATABASE_POOL_MODE || undefined
  if (mode !== undefined && mode !== 'session' && mode !== 'transaction') {
    throw new ConfigError(`DATABASE_POOL_MODE must be session or transaction, got "${mode}"`)
  }
  let flagged = false
  if (url !== undefined) {
    const u = postgresUrl('DATABASE_URL', url)
    const flag = u.searchParams.get('pgbouncer')
    if (flag !== null) {
      if (!/^(true|1)$/i.test(flag)) throw new ConfigError(`DATABASE_URL: pgbouncer= must be true, got "${flag}"`)
      flagged = true
      u.searchParams.delete('pgbouncer')
      url = u.toString()
    }
  }
  if (flagged && mode === 'session') throw new ConfigError('DATABASE_URL says pgbouncer=true (transaction pooling) but DATABASE_POOL_MODE=session')
  const poolMode: Config['dbPoolMode'] = mode ?? (flagged ? 'transaction' : 'session')
  const directUrl = env.DATABASE_DIRECT_URL || undefined
  if (directUrl !== undefined) {
    if (url === undefined) throw new ConfigError('DATABASE_DIRECT_URL needs DATABASE_URL')
    postgresUrl('DATABASE_DIRECT_URL', directUrl)
  }
  return { url, poolMode, directUrl, prepare: bool(env, 'DATABASE_PREPARE', poolMode === 'session') }
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
