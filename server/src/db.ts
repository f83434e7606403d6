import postgres from 'postgres'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from './config'
import type { Logger } from './logger'

export type Sql = postgres.Sql<{}>
/** A pool or a transaction: repo functions take either as their first argument. */
export type Tx = postgres.Sql<{}> | postgres.TransactionSql<{}>

export const MIGRATIONS_DIR = join(import.meta.dir, '..', 'migrations')

/**
 * Errors that say the connection died under a statement (a restart's 57P01/57P02, a server still starting
 * 57P03, a closed or reset socket), not that the statement failed.
 */
const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', 'CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE'])
export const connectionLost = (err: unknown) => CONNECTION_LOST.has(String((err as { code?: unknown } | null)?.code))

export type SqlSettings = Pick<Config, 'dbPoolMax' | 'dbStatementTimeoutMs'> & Partial<Pick<Config, 'dbPoolMode' | 'dbPrepare'>>

/**
 * The pool. Behind a transaction-pooling PgBouncer (`dbPoolMode: 'transaction'`) consecutive transactions of one
 * client connection run on different server connections, so nothing may live in a session:
 * - no named prepared statements (postgres.js `prepare: false`; a statement prepared on one server connection
 *   does not exist on the next), unless DATABASE_PREPARE=true says the pooler keeps them (PgBouncer ≥ 1.21 with
 *   max_prepared_statements); and no pipelining (one statement in flight per connection, see below);
 * - no session settings in the startup packet: PgBouncer refuses parameters it does not track ("unsupported
 *   startup parameter"), and would not carry them to the next server connection anyway. The statement and
 *   idle-in-transaction timeouts then belong to the role or the pooler (README; checkPooledSettings warns);
 * - LISTEN, session advisory locks and cursors across statements go elsewhere: the scheduler LISTENs on
 *   DATABASE_DIRECT_URL (or polls), the expiry sweep and the relay take transaction-scoped locks.
 */
export function createSql(url: string, config: SqlSettings): Sql {
  const pooled = config.dbPoolMode === 'transaction'
  return retryOnLostConnection(postgres(url, {
    max: config.dbPoolMax,
    transform: postgres.camel,
    prepare: config.dbPrepare ?? !pooled,
    // No pipelining through a transaction pooler: postgres.js would write the next query on a connection before
    // the previous one's ReadyForQuery, and PgBouncer (< 1.21) may hand the server connection to another client
    // at that ReadyForQuery while the next query's Parse/Describe already went to it; its Bind then lands on
    // another server connection, and the query never completes (50 streams opening at once hung for good).
    ...(pooled ? { max_pipeline: 0 } : {}),
    idle_timeout: 30,
    connect_timeout: 5,
    // postgres.js's default reconnect backoff grows to 20 s per connection after a few failures, so after an
    // outage queries landing on a backing-off connection waited seconds while the database was fine again.
    // Cap it at 1 s: recovery within a second, and at most one attempt per connection per second meanwhile.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    // Bounded waits: a query never hangs a request longer than the statement timeout.
    connection: pooled
      ? { application_name: 'livedrop' }
      : {
        application_name: 'livedrop',
        statement_timeout: config.dbStatementTimeoutMs,
        idle_in_transaction_session_timeout: 10_000,
      },
    onnotice: () => {},
  }), config.dbPoolMax + 1)
}

/**
 * A direct (session) connection for what a transaction pooler cannot carry — LISTEN, migrations — or null
 * when there is none: DATABASE_DIRECT_URL in transaction mode; the pool's own URL otherwise.
 */
export function directSqlUrl(config: Pick<Config, 'dbPoolMode' | 'databaseDirectUrl'> & { databaseUrl: string }): string | null {
  if (config.dbPoolMode !== 'transaction') return config.databaseDirectUrl ?? config.databaseUrl
  return config.databaseDirectUrl ?? null
}

/**
 * Through a transaction pooler the pool cannot set its own timeouts (see createSql): say so at boot when the
 * role or the pooler does not set them either, instead of letting a hung statement hold a connection forever.
 */
export async function checkPooledSettings(sql: Sql, log: Logger): Promise<void> {
  const [s] = await sql<{ statementTimeout: string; idleTimeout: string }[]>`
    select current_setting('statement_timeout') as statement_timeout, current_setting('idle_in_transaction_session_timeout') as idle_timeout`
  if (s.statementTimeout === '0' || s.idleTimeout === '0') {
    log.warn({ statementTimeout: s.statementTimeout, idleInTransactionSessionTimeout: s.idleTimeout },
      'DATABASE_POOL_MODE=transaction: the pooled connections have no statement_timeout / idle_in_transaction_session_timeout; ' +
      'set them on the role (ALTER ROLE … SET statement_timeout = \'5s\') or in the pooler (PgBouncer connect_query, query_timeout)')
  }
}

/**
 * After a PostgreSQL restart or a pg_terminate_backend, the pool still holds connections whose backend is
 * gone; postgres.js only learns it when a statement fails on one. Such a statement is run again on the
 * connection the pool gives next (the dead one is closed by then; at most pool size + 1 attempts, each failing
 * at once), so the request succeeds instead of answering 503. Only where running it again cannot do harm:
 * - an autocommit statement of the pool: a backend ended by 57P01/57P02 rolls back what it was running, and a
 *   closed socket had either not delivered the statement or loses it with its transaction. The one ambiguous
 *   case — the connection dies between a commit and its acknowledgement — is the ordinary network-failure
 *   case that the writes here are built for (idempotency keys, ON CONFLICT, conditional updates);
 * - `sql.begin` only when the BEGIN itself failed, before the callback ran: a transaction whose body had
 *   started is never replayed (its effects on the process, not just on the database, would repeat).
 * Statements inside a transaction (`tx`), reserved connections and LISTEN are left alone.
 */
function retryOnLostConnection(sql: Sql, maxRetries: number): Sql {
  const isTemplate = (a: unknown): a is TemplateStringsArray => Array.isArray(a) && 'raw' in a
  type Thenable = { then: (ok?: unknown, err?: unknown) => Promise<unknown> }
  // After a restart every pooled connection may be dead, and the pool hands out its open ones first: each dead
  // one fails at once (reset or closed), so a few attempts more than the pool has connections reach a live one.
  const attempts = maxRetries
  const again = async <T>(fn: () => T | PromiseLike<T>): Promise<T> => {
    for (let i = 1; ; i++) {
      // Not from inside the failure's own callbacks: a socket's 'error' comes before its 'close', and a retry
      // issued in between lands on the connection that is dying (or races its reconnect).
      await new Promise((r) => setTimeout(r, 0))
      try {
        return await fn()
      } catch (e) {
        if (i >= attempts || !connectionLost(e)) throw e
      }
    }
  }
  return new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      const q = Reflect.apply(target, self, args) as Thenable
      // Helpers (sql(identifier), sql(rows, ...columns)) are fragments, not statements: never retried.
      if (!isTemplate(args[0])) return q
      const run = Object.getPrototypeOf(q).then as Thenable['then']
      // The query's own then() starts it; catch/finally go through then() too, so all paths retry.
      // Configurable: the tracing wrapper (lib/tracing/sql.ts) wraps this then() in turn.
      Object.defineProperty(q, 'then', {
        configurable: true,
        value: (ok?: (v: unknown) => unknown, err?: (e: unknown) => unknown) =>
          run.call(q).catch((e: unknown) => (connectionLost(e) ? again(() => Reflect.apply(target, self, args) as Thenable) : Promise.reject(e))).then(ok, err),
      })
      return q
    },
    get(target, prop, receiver) {
      if (prop !== 'begin') return Reflect.get(target, prop, receiver)
      return (...args: unknown[]) => {
        const fn = args[args.length - 1] as (tx: unknown) => unknown
        let started = false
        const first = [...args.slice(0, -1), (tx: unknown) => ((started = true), fn(tx))]
        const begin = target.begin as (...a: unknown[]) => Promise<unknown>
        return begin(...first).catch((e: unknown) => {
          if (started || !connectionLost(e)) throw e
          return again(() => begin(...args))
        })
      }
    },
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
