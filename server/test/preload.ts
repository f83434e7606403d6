/**
 * Runs once before the whole suite: gives it a fresh PostgreSQL database (DATABASE_URL's server when set,
 * else an embedded one) and finds out whether a real Redis is reachable. Never mocks either.
 */
import { afterAll } from 'bun:test'
import Redis from 'ioredis'
import { ensureDatabase, startEmbeddedPostgres } from '../src/embedded'
import { createSql, migrate } from '../src/db'

const dbName = process.env.TEST_DB_NAME || 'livedrop_test'
let stopEmbedded: (() => Promise<void>) | null = null
let adminUrl: string
if (process.env.DATABASE_URL) {
  adminUrl = process.env.DATABASE_URL
} else {
  const port = Number(process.env.TEST_EMBEDDED_PG_PORT || 54330)
  const pg = await startEmbeddedPostgres({ dir: '.livedrop/test-pgdata', port, database: 'postgres' })
  adminUrl = pg.url
  stopEmbedded = pg.stop
  console.error(`[preload] no DATABASE_URL: using an embedded PostgreSQL on port ${port}`)
}
await ensureDatabase(adminUrl, dbName, true)
const url = new URL(adminUrl)
url.pathname = `/${dbName}`
process.env.TEST_DATABASE_URL = url.toString()
{
  const sql = createSql(url.toString(), { dbPoolMax: 1, dbStatementTimeoutMs: 60_000 })
  await migrate(sql)
  await sql.end()
}

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
probe.on('error', () => {})
try {
  await probe.connect()
  await probe.ping()
  process.env.TEST_REDIS_URL = redisUrl
} catch {
  process.env.TEST_REDIS_URL = ''
  console.error(`[preload] Redis is not reachable at ${redisUrl}: Redis-backed suites will announce that they are SKIPPED`)
} finally {
  probe.disconnect()
}

afterAll(async () => {
  if (stopEmbedded) await stopEmbedded()
})
