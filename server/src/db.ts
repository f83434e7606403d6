import postgres from 'postgres'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from './config'
import type { Logger } from './logger'

export type Sql = postgres.Sql<{}>
/** A pool or a transaction: repo functions take either as their first argument. */
export type Tx = postgres.Sql<{}> | postgres.TransactionSql<{}>

export const MIGRATIONS_DIR = join(import.meta.dir, '..', 'migrations')

export function createSql(url: string, config: Pick<Config, 'dbPoolMax' | 'dbStatementTimeoutMs'>): Sql {
  return postgres(url, {
    max: config.dbPoolMax,
    transform: postgres.camel,
    idle_timeout: 30,
    connect_timeout: 5,
    // postgres.js's default reconnect backoff grows to 20 s per connection after a few failures, so after an
    // outage queries landing on a backing-off connection waited seconds while the database was fine again.
    // Cap it at 1 s: recovery within a second, and at most one attempt per connection per second meanwhile.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    // Bounded waits: a query never hangs a request longer than the statement timeout.
    connection: {
      application_name: 'livedrop',
      statement_timeout: config.dbStatementTimeoutMs,
      idle_in_transaction_session_timeout: 10_000,
    },
    onnotice: () => {},
  })
}

/**
 * Forward-only migrations: every file in server/migrations applied once, in name order, each in its own
 * transaction. The advisory lock makes concurrent starts of several instances safe: one applies, the others
 * wait and then find nothing to do.
 */
export async function migrate(sql: Sql, log?: Logger): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  const applied: string[] = []
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('livedrop:migrate'))`
    await tx`create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())`
    const done = new Set((await tx<{ version: string }[]>`select version from schema_migrations`).map((r) => r.version))
    for (const file of files) {
      if (done.has(file)) continue
      // Migration files are part of the code base, not input.
      await tx.file(join(MIGRATIONS_DIR, file))
      await tx`insert into schema_migrations (version) values (${file})`
      applied.push(file)
      log?.info({ migration: file }, 'migration applied')
    }
  })
  return applied
}
