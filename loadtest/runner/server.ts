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

/** A running `bun server/src/main.ts`: what the load tests, the benchmarks (scripts/) and the test kit share. */
export interface SpawnedServer {
  url: string
  port: number
  pid: number
  /** The last 8 KB of its stdout and stderr (why it died, when it did). */
  output(): string
  /** Resolves once the process is gone, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>
  /** The signal that ended it, once it has ended by one. */
  readonly signalCode: NodeJS.Signals | null
  /** Sends the signal and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** SIGTERM (a graceful drain), SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>
}

export interface SpawnOptions {
  port: number
  /** The whole environment of the server (nothing is inherited: the caller says what it runs on). */
  env: Record<string, string | undefined>
  /** Ready when this path answers 200: /readyz (dependencies reachable) by default, /healthz (process up). */
  readyPath?: string
  readyTimeoutMs?: number
}

/**
 * The one way to start a real server process: spawns `bun server/src/main.ts` with `env` and waits until
 * `readyPath` answers 200. Node APIs only, so the load-test runner also runs bundled on plain Node.
 */
export async function spawnServer(o: SpawnOptions): Promise<SpawnedServer> {
  const env = Object.fromEntries(Object.entries({ ...o.env, PORT: String(o.port) }).filter(([, v]) => v !== undefined && v !== '')) as NodeJS.ProcessEnv
  const child: ChildProcess = spawn(bunBinary(), [join(REPO_ROOT, 'server', 'src', 'main.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let done = false
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => {
    done = true
    ok(code)
  }))
  const url = `http://127.0.0.1:${o.port}`
  const readyTimeoutMs = o.readyTimeoutMs ?? 120_000
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (done) throw new Error(`the server on :${o.port} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`)
    try {
      const res = await fetch(`${url}${o.readyPath ?? '/readyz'}`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server on :${o.port} was not ready within ${readyTimeoutMs / 1000} s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (done) return
    child.kill(signal)
    await exited
  }
  return {
    url,
    port: o.port,
    pid: child.pid!,
    output: () => output,
    exited,
    get signalCode() {
      return child.signalCode
    },
    kill,
    async stop(graceMs = 15_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await kill('SIGTERM')
      clearTimeout(timer)
    },
  }
}

export async function startServer(runId: string, opts: ServerOptions = {}): Promise<StartedServer> {
  const port = opts.port ?? (await freePort())
  const env = serverEnv({ ...process.env, ...opts.env }, port, runId)
  if (!env.DATABASE_URL && !env.EMBEDDED_PG_PORT) env.EMBEDDED_PG_PORT = String(await freePort(54340, 54399))
  const server = await spawnServer({ port, env })
  const description = `bun server/src/main.ts on :${port}, PostgreSQL ${env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, Redis ${env.REDIS_URL ? 'REDIS_URL' : 'in-process stand-ins'}`
  opts.log?.(`started ${description}`)
  return { url: server.url, description, stop: () => server.stop() }
}
