/**
 * Runs once before the whole suite: gives it a fresh PostgreSQL database (DATABASE_URL's server when set,
 * else an embedded one) and finds out whether a real Redis is reachable. Never mocks either.
 */
import { afterAll } from 'bun:test'
import Redis from 'ioredis'
import { ensureDatabase, startEmbeddedPostgres } from '../src/embedded'
import { createSql, migrate } from '../src/db'

const dbName = process.env.TEST_DB_NAME || 'livedrop_test'
const embedded: { stop?: () => Promise<void> } = {}
/** Components started for the whole run (TEST_PGBOUNCER, TEST_REDIS_CLUSTER), stopped after it. */
const stoppers: Array<() => Promise<void>> = []

/**
 * Without a database no test can pass: any failure here ends the whole run at once with the reason, instead
 * of every file failing on its own (and, as root in a folder the embedded server cannot enter, a run that
 * spun a core for minutes).
 */
async function prepareDatabase(): Promise<string> {
  let adminUrl: string
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL
  } else {
    // Below the kernel's ephemeral range (32768–60999): the suite opens thousands of connections, and a port in
    // that range can be the local end of one of them just when PostgreSQL wants to listen (seen once on 54330).
    const port = Number(process.env.TEST_EMBEDDED_PG_PORT || 25433)
    // TEST_EMBEDDED_PG_DIR: where the suite's embedded cluster lives (default .livedrop/test-pgdata).
    const pg = await startEmbeddedPostgres({ dir: process.env.TEST_EMBEDDED_PG_DIR || '.livedrop/test-pgdata', port, database: 'postgres' })
    adminUrl = pg.url
    embedded.stop = pg.stop
    console.error(`[preload] no DATABASE_URL: using an embedded PostgreSQL on port ${port}`)
  }
  await ensureDatabase(adminUrl, dbName, true)
  const url = new URL(adminUrl)
  url.pathname = `/${dbName}`
  const sql = createSql(url.toString(), { dbPoolMax: 1, dbStatementTimeoutMs: 60_000 })
  try {
    await migrate(sql)
  } finally {
    await sql.end()
  }
  return url.toString()
}

try {
  process.env.TEST_DATABASE_URL = await prepareDatabase()
} catch (err) {
  console.error(`[preload] no test database, stopping the run: ${err instanceof Error ? err.message : String(err)}`)
  await embedded.stop?.().catch(() => {})
  process.exit(1)
}

// TEST_PGBOUNCER=1: the whole run reaches PostgreSQL through a PgBouncer in transaction pooling mode (the
// servers and contexts the tests start take DATABASE_POOL_MODE=transaction and the direct URL for LISTEN).
if (process.env.TEST_PGBOUNCER === '1') {
  const { pgBouncer } = await import('./pgbouncer')
  const bouncer = pgBouncer(6460, process.env.TEST_DATABASE_URL!, { poolSize: Number(process.env.TEST_PGBOUNCER_POOL_SIZE || 20) })
  await bouncer.start()
  stoppers.push(() => bouncer.stop())
  process.env.TEST_DATABASE_DIRECT_URL = process.env.TEST_DATABASE_URL
  process.env.TEST_DATABASE_URL = bouncer.via(process.env.TEST_DATABASE_URL!)
  process.env.TEST_DATABASE_POOL_MODE = 'transaction'
  console.error(`[preload] PostgreSQL through PgBouncer (transaction pooling) on port ${bouncer.port}`)
}

// TEST_REDIS_CLUSTER=1: the run's Redis is a Redis Cluster of its own (3 masters + 3 replicas).
if (process.env.TEST_REDIS_CLUSTER === '1') {
  const { redisCluster } = await import('./redis-cluster')
  const cluster = redisCluster(7110)
  await cluster.start()
  stoppers.push(() => cluster.stop())
  process.env.REDIS_URL = cluster.url
  console.error(`[preload] Redis Cluster at ${cluster.url}`)
}

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const probe = process.env.TEST_REDIS_CLUSTER === '1' ? null : new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
probe?.on('error', () => {})
try {
  await probe?.connect()
  await probe?.ping()
  process.env.TEST_REDIS_URL = redisUrl
} catch {
  process.env.TEST_REDIS_URL = ''
  console.error(`[preload] Redis is not reachable at ${redisUrl}: Redis-backed suites will announce that they are SKIPPED`)
} finally {
  probe?.disconnect()
}

afterAll(async () => {
  for (const stop of stoppers) await stop()
  await embedded.stop?.()
})
