/**
 * The system under test, all of it private to the run: a PostgreSQL cluster of its own (so that a real
 * restart never touches the machine's), a TCP proxy in front of it that the run controls (cuts, jitter), a
 * redis-server of its own (so that SIGSTOP stalls only ours) and two server instances that share them.
 */
import postgres from 'postgres'
import { createSql, migrate } from '../../server/src/db'
import { postgresServer, redisServer, startServer, type ServerProcess } from '../../server/test/processes'
import { tcpProxy } from '../../server/test/tcp-proxy'
import { testPort } from '../../server/test/helpers'

// Ports (shifted by TEST_PORT_OFFSET like every test's): instances 3580 and 3581, proxy 3582, Postgres 5480, Redis 6398.
const INSTANCE_PORTS = [3580, 3581]
const POOL = 10

export interface Instance {
  readonly name: string
  readonly url: string
  /** the live process, or null between a kill and its restart */
  readonly process: ServerProcess | null
  pid(): number | null
  /** the last lines the process wrote to stderr (kept for a failure report) */
  tail(): string
  /** exits the run did not cause (a crash), with the stderr tail of each */
  readonly crashes: string[]
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>

export async function startCluster(log: (line: string) => void) {
  const pg = postgresServer(5480)
  await pg.start()
  const dbUrl = pg.url.replace(/\/postgres$/, '/livedrop_nemesis')
  // The run's own connection: its own application name, so that faults aimed at the instances spare it.
  const admin = postgres(pg.url, { max: 2, connection: { application_name: 'nemesis' }, onnotice: () => {} })
  await admin`create database livedrop_nemesis`
  await admin.end()
  const migrator = createSql(dbUrl, { dbPoolMax: 1, dbStatementTimeoutMs: 60_000 })
  await migrate(migrator)
  await migrator.end()
  const sql = postgres(dbUrl, { max: 4, transform: postgres.camel, connection: { application_name: 'nemesis' }, onnotice: () => {} })

  const proxy = tcpProxy(3582, { host: '127.0.0.1', port: pg.port })
  proxy.start()
  const redis = redisServer(6398)
  await redis.start()

  const env = {
    DATABASE_URL: proxy.via(dbUrl),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `nemesis${process.pid}:`,
    DB_POOL_MAX: String(POOL),
    RUN_SCHEDULER: 'true',
    LOG_LEVEL: 'error',
  }
  const instances = INSTANCE_PORTS.map((port, i) => instance(`${'AB'[i]}`, port, env))
  await Promise.all(instances.map((x) => x.start()))
  log(`cluster: postgres :${pg.port} behind proxy :${proxy.port}, redis ${redis.url}, instances ${instances.map((x) => x.url).join(' ')}`)

  return {
    sql,
    pg,
    proxy,
    redis,
    instances: instances as Instance[],
    /** the instances' addresses, for the clients' balancer */
    urls: instances.map((x) => x.url),
    pool: POOL,
    /** kill -9 of one instance, then its restart on the same port */
    async crash(i: number) {
      await instances[i].kill9()
      await instances[i].start()
    },
    async stop() {
      await Promise.all(instances.map((x) => x.stop()))
      await sql.end({ timeout: 5 }).catch(() => {})
      proxy.close()
      redis.resume()
      await redis.stop()
      await pg.destroy()
    },
  }
}

function instance(name: string, basePort: number, env: Record<string, string>) {
  let proc: ServerProcess | null = null
  // The spawner keeps reading the process's output (an unread pipe would block the server's writes): its tail says why it died.
  let last: ServerProcess | null = null
  const tailOf = () => last?.output() ?? ''
  const crashes: string[] = []
  return {
    name,
    url: `http://127.0.0.1:${testPort(basePort)}`,
    get process() {
      return proc
    },
    pid: () => proc?.proc.pid ?? null,
    tail: tailOf,
    crashes,
    async start() {
      const p = await startServer(basePort, env)
      proc = p
      last = p
      // kill9() and stop() forget the process before they end it: an exit while it is still the current one is a crash.
      void p.proc.exited.then((code) => {
        if (proc === p) crashes.push(`exit ${code} (${p.proc.signalCode ?? 'no signal'}): ${tailOf().slice(-600)}`)
      })
    },
    async kill9() {
      const p = proc
      proc = null
      await p?.kill('SIGKILL')
    },
    async stop() {
      const p = proc
      proc = null
      await p?.stop()
    },
  }
}
