/**
 * Starts a LiveDrop server for a run when no --target is given, so one command gives a full local run.
 * It is the real server (`bun server/src/main.ts`) in its own process, configured like a deployment:
 * the configured DATABASE_URL / REDIS_URL when set, else the embedded PostgreSQL (data under
 * .livedrop/loadtest, on a port of its own so it never touches `npm start`'s) and in-process stand-ins for Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout's root: the nearest folder up from here holding server/src/main.ts (also from a bundled dist/). */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'server', 'src', 'main.ts'))) return dir
    const up = dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
})()

/** The load test's own port range, away from `npm start`'s 3000. */
export const PORT_RANGE = { from: 3530, to: 3549 }

export interface StartedServer {
  url: string
  /** what the server runs on, for the report */
  description: string
  stop(): Promise<void>
}

function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer()
    s.once('error', () => ok(false))
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)))
  })
}

export async function freePort(from = PORT_RANGE.from, to = PORT_RANGE.to): Promise<number> {
  for (let p = from; p <= to; p++) if (await portFree(p)) return p
  throw new Error(`no free port in ${from}-${to}`)
}

function bunBinary(): string {
  if ((process.versions as Record<string, string | undefined>).bun) return process.execPath
  const local = join(REPO_ROOT, 'node_modules', '.bin', 'bun')
  return existsSync(local) ? local : 'bun'
}

export interface ServerOptions {
  port?: number
  /** extra or overriding environment for the server */
  env?: Record<string, string | undefined>
  log?: (line: string) => void
}

/**
 * The environment a load-test server gets on top of the caller's.
 *
 * Two per-address budgets are raised, because the load generator is one address standing in for thousands of
 * people, which is what those budgets exist to stop:
 * - RATE_LIMIT_AUTH_IP (default 1,000 log-ins/registrations a minute per address): seeding registers thousands
 *   of distinct buyers;
 * - RATE_LIMIT_READS (default 60,000 per 10 s per address for anonymous reads, i.e. 6,000/s): browse and
 *   --find-max send thousands of anonymous shoppers' reads from one address; at the 1,500/s target the default
 *   would not bite, but find-max would measure the limiter's budget instead of the server.
 * The limiter still counts every request (same code path and cost as production). The per-user write and order
 * limits keep their defaults: rush spreads its orders over many buyers, each far under them.
 * For the same reason the per-address cap on open event streams (SSE_MAX_STREAMS_PER_ADDRESS, default 200) is
 * lifted: sse opens thousands of subscribers from this one address. The per-user cap keeps its default.
 */
export function serverEnv(base: Record<string, string | undefined>, port: number, runId: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...base,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: base.NODE_ENV || 'production',
    LOG_LEVEL: base.LOADTEST_SERVER_LOG_LEVEL || 'warn',
    RATE_LIMIT_AUTH_IP: base.LOADTEST_RATE_LIMIT_AUTH_IP || '1000000/60',
    RATE_LIMIT_READS: base.LOADTEST_RATE_LIMIT_READS || '10000000/10',
    SSE_MAX_STREAMS_PER_ADDRESS: base.LOADTEST_SSE_MAX_STREAMS_PER_ADDRESS || '0',
    SEED_DEMO: 'false',
  }
  if (env.DATABASE_URL) {
    if (!env.JWT_SECRET) env.JWT_SECRET = randomBytes(48).toString('base64url')
  } else {
    env.LIVEDROP_DATA_DIR = base.LOADTEST_DATA_DIR || join(REPO_ROOT, '.livedrop', 'loadtest')
  }
  // Budgets and channels of this run stay apart from any other deployment sharing the Redis.
  if (env.REDIS_URL) env.REDIS_KEY_PREFIX = `livedrop-lt-${runId}:`
  for (const k of Object.keys(env)) if (env[k] === undefined || env[k] === '') delete env[k]
  return env
}

export async function startServer(runId: string, opts: ServerOptions = {}): Promise<StartedServer> {
  const port = opts.port ?? (await freePort())
  const env = serverEnv({ ...process.env, ...opts.env }, port, runId)
  if (!env.DATABASE_URL && !env.EMBEDDED_PG_PORT) env.EMBEDDED_PG_PORT = String(await freePort(54340, 54399))
  const child: ChildProcess = spawn(bunBinary(), [join(REPO_ROOT, 'server', 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited: number | null = null
  const exit = new Promise<void>((ok) => child.once('exit', (code) => {
    exited = code ?? -1
    ok()
  }))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (exited !== null) throw new Error(`the server exited (${exited}) before it was ready:\n${output}`)
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server was not ready within 120 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const description = `bun server/src/main.ts on :${port}, PostgreSQL ${env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, Redis ${env.REDIS_URL ? 'REDIS_URL' : 'in-process stand-ins'}`
  opts.log?.(`started ${description}`)
  return {
    url,
    description,
    async stop() {
      if (exited !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exit
      clearTimeout(timer)
    },
  }
}
