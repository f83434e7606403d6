import { describe, expect, test } from 'bun:test'
import { loadConfig, ConfigError, redisTarget } from './config'

describe('config', () => {
  test('refuses a missing or short JWT_SECRET outside the embedded dev mode', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(ConfigError)
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y', JWT_SECRET: 'short' })).toThrow(/32 bytes/)
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32))
  })

  test('embedded dev mode may omit the secret; a given one must still be long enough', () => {
    expect(loadConfig({}).jwtSecret).toBeUndefined()
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(ConfigError)
  })

  test('typed values are validated', () => {
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080)
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ RUN_SCHEDULER: 'maybe' })).toThrow(/RUN_SCHEDULER/)
  })

  test('waiting room: a short admission-token key is refused; the admitter tick is at least 10 ms', () => {
    expect(loadConfig({}).queue).toEqual({ tokenSecret: undefined, tickMs: 200 })
    expect(loadConfig({ ADMISSION_TOKEN_SECRET: 'k'.repeat(32), QUEUE_TICK_MS: '50' }).queue).toEqual({ tokenSecret: 'k'.repeat(32), tickMs: 50 })
    expect(() => loadConfig({ ADMISSION_TOKEN_SECRET: 'short' })).toThrow(/ADMISSION_TOKEN_SECRET/)
    expect(() => loadConfig({ QUEUE_TICK_MS: '5' })).toThrow(/QUEUE_TICK_MS/)
  })

  test('logs: readable at a terminal in dev, JSON otherwise (piped, production, tests), LOG_FORMAT decides when set', () => {
    expect(loadConfig({}, true).logFormat).toBe('pretty')
    expect(loadConfig({}, false).logFormat).toBe('json')
    expect(loadConfig({ NODE_ENV: 'production' }, true).logFormat).toBe('json')
    expect(loadConfig({ NODE_ENV: 'test' }, true).logFormat).toBe('json')
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty')
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/)
  })

  test('the idempotency lease outlives the request deadline; order batching is on by default', () => {
    expect(loadConfig({}).idempotencyLeaseSec * 1000).toBeGreaterThan(loadConfig({}).requestTimeoutMs)
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '30000' }).idempotencyLeaseSec).toBe(35)
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_SEC: '10', REQUEST_TIMEOUT_MS: '15000' })).toThrow(/IDEMPOTENCY_LEASE_SEC/)
    expect(loadConfig({}).orders).toEqual({ batching: true, maxBatch: 500, batchWindowMs: 0 })
    expect(loadConfig({ ORDER_BATCHING: 'false' }).orders.batching).toBe(false)
  })

  test('the refresh grace window is 0–10 s (RFC 9700: short), 10 by default', () => {
    expect(loadConfig({}).refreshGraceSec).toBe(10)
    expect(loadConfig({ REFRESH_GRACE_SEC: '0' }).refreshGraceSec).toBe(0)
    expect(() => loadConfig({ REFRESH_GRACE_SEC: '11' })).toThrow(/REFRESH_GRACE_SEC must be at most 10/)
    expect(() => loadConfig({ REFRESH_GRACE_SEC: '-1' })).toThrow(/REFRESH_GRACE_SEC/)
  })

  test('stream caps: 200 per address and 10 per user by default, 0 lifts a cap', () => {
    expect(loadConfig({}).streams).toEqual({ perAddress: 200, perUser: 10 })
    expect(loadConfig({ SSE_MAX_STREAMS_PER_ADDRESS: '0', SSE_MAX_STREAMS_PER_USER: '3' }).streams).toEqual({ perAddress: 0, perUser: 3 })
    expect(() => loadConfig({ SSE_MAX_STREAMS_PER_USER: 'many' })).toThrow(/SSE_MAX_STREAMS_PER_USER/)
  })

  test('webhooks: the http/loopback dev exception is off unless asked for; delivery defaults as documented', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowHttpLoopback: false, timeoutMs: 10_000, retryWindowSec: 86_400, disableAfterSec: 86_400,
      backoffBaseMs: 5000, backoffMaxMs: 3_600_000, concurrency: 32, pollMs: 250, secretKey: undefined,
    })
    expect(loadConfig({ WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true' }).webhooks.allowHttpLoopback).toBe(true)
    expect(() => loadConfig({ WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'sometimes' })).toThrow(/WEBHOOKS_ALLOW_HTTP_LOOPBACK/)
    expect(() => loadConfig({ WEBHOOKS_SECRET_KEY: 'short' })).toThrow(/WEBHOOKS_SECRET_KEY must be at least 32 bytes/)
    expect(() => loadConfig({ WEBHOOKS_TIMEOUT_MS: '5' })).toThrow(/WEBHOOKS_TIMEOUT_MS/)
  })

  test('images: local folder by default; S3 when any S3_* is set, then bucket and keys are required and checked', () => {
    expect(loadConfig({ PORT: '4000' })).toMatchObject({
      publicUrl: 'http://localhost:4000',
      images: { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000, maxPerProduct: 12, uploadTtlSec: 900, storage: { kind: 'local', dir: '.livedrop/media' } },
    })
    expect(loadConfig({ PUBLIC_URL: 'https://shop.example/', IMAGES_DIR: '/srv/media' })).toMatchObject({ publicUrl: 'https://shop.example', images: { storage: { kind: 'local', dir: '/srv/media' } } })
    const s3 = { S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' }
    expect(loadConfig(s3).images.storage).toEqual({
      kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'media', region: 'us-east-1', accessKeyId: 'id', secretAccessKey: 'secret', publicUrl: undefined,
    })
    expect(loadConfig({ ...s3, S3_ENDPOINT: '', S3_REGION: 'eu-west-3', S3_PUBLIC_URL: 'https://cdn.example' }).images.storage)
      .toMatchObject({ endpoint: undefined, region: 'eu-west-3', publicUrl: 'https://cdn.example' })
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/)
    expect(() => loadConfig({ ...s3, S3_SECRET_ACCESS_KEY: '' })).toThrow(/needs S3_SECRET_ACCESS_KEY/)
    expect(() => loadConfig({ ...s3, S3_ENDPOINT: 'ftp://x' })).toThrow(/S3_ENDPOINT must be an http\(s\) URL/)
    expect(() => loadConfig({ ...s3, S3_ENDPOINT: 'not a url' })).toThrow(/S3_ENDPOINT must be an absolute/)
    expect(() => loadConfig({ ...s3, S3_BUCKET: 'No_Such' })).toThrow(/S3_BUCKET must be a valid bucket name/)
    expect(() => loadConfig({ ...s3, S3_REGION: 'EU WEST' })).toThrow(/S3_REGION/)
    expect(() => loadConfig({ PUBLIC_URL: 'https://x.example/?a=1' })).toThrow(/PUBLIC_URL/)
    expect(() => loadConfig({ IMAGE_MAX_BYTES: '10' })).toThrow(/IMAGE_MAX_BYTES/)
    expect(() => loadConfig({ IMAGE_UPLOAD_TTL_SEC: String(8 * 24 * 3600) })).toThrow(/IMAGE_UPLOAD_TTL_SEC must be at most 604800/)
  })

  test('Redis: one server or a cluster (redis+cluster:// seeds, REDIS_CLUSTER_NODES); anything else is refused at boot', () => {
    expect(redisTarget('redis://127.0.0.1:6379')).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6379' })
    expect(redisTarget('rediss+cluster://app:s%3Acret@r1:7000,r2:7001/')).toEqual({
      mode: 'cluster', nodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 7001 }], username: 'app', password: 's:cret', tls: true,
    })
    expect(redisTarget('redis+cluster://[::1]:7000').mode).toBe('cluster')
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000, r2:7001' }).redisUrl).toBe('redis+cluster://r1:7000,r2:7001')
    expect(loadConfig({ REDIS_URL: 'redis+cluster://:pw@r1:7000', REDIS_CLUSTER_NODES: 'r2:7001,r1:7000' }).redisUrl).toBe('redis+cluster://:pw@r1:7000,r2:7001')
    expect(() => loadConfig({ REDIS_URL: 'redis://r1:6379', REDIS_CLUSTER_NODES: 'r2:7001' })).toThrow(/REDIS_CLUSTER_NODES names a cluster/)
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1' })).toThrow(/REDIS_CLUSTER_NODES: "r1" is not host:port/)
    expect(() => loadConfig({ REDIS_URL: 'redis+cluster://r1:99999' })).toThrow(ConfigError)
    expect(() => loadConfig({ REDIS_URL: 'http://r1:6379' })).toThrow(/REDIS_URL must be/)
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL must be/)
    // A brace in the prefix would pull every key into one slot.
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'app{1}:' })).toThrow(/REDIS_KEY_PREFIX/)
  })

  test('PostgreSQL pool mode: session by default; transaction from DATABASE_POOL_MODE or ?pgbouncer=true (removed from the URL)', () => {
    const secret = { JWT_SECRET: 'x'.repeat(32) }
    expect(loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app' })).toMatchObject({ dbPoolMode: 'session', dbPrepare: true, databaseDirectUrl: undefined })
    expect(loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app', DATABASE_POOL_MODE: 'transaction' })).toMatchObject({ dbPoolMode: 'transaction', dbPrepare: false })
    const flagged = loadConfig({ ...secret, DATABASE_URL: 'postgres://pooler:6432/app?pgbouncer=true&sslmode=require', DATABASE_DIRECT_URL: 'postgres://db:5432/app' })
    expect(flagged).toMatchObject({ dbPoolMode: 'transaction', dbPrepare: false, databaseUrl: 'postgres://pooler:6432/app?sslmode=require', databaseDirectUrl: 'postgres://db:5432/app' })
    // PgBouncer ≥ 1.21 with max_prepared_statements keeps named statements: the operator may say so.
    expect(loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app?pgbouncer=true', DATABASE_PREPARE: 'true' }).dbPrepare).toBe(true)
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app', DATABASE_POOL_MODE: 'statement' })).toThrow(/DATABASE_POOL_MODE must be session or transaction/)
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app?pgbouncer=true', DATABASE_POOL_MODE: 'session' })).toThrow(/pgbouncer=true/)
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app?pgbouncer=maybe' })).toThrow(/pgbouncer=/)
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'mysql://db/app' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/)
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://db/app', DATABASE_DIRECT_URL: 'db:5432' })).toThrow(/DATABASE_DIRECT_URL/)
    expect(() => loadConfig({ DATABASE_DIRECT_URL: 'postgres://db/app' })).toThrow(/DATABASE_DIRECT_URL needs DATABASE_URL/)
  })
})
