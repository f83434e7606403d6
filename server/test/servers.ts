/** Spawns real server processes (bun server/src/main.ts) against the test database, for multi-instance tests. */
import { join } from 'node:path'
import { TEST_JWT_SECRET } from './helpers'

export interface ServerProcess {
  url: string
  port: number
  stop(): Promise<void>
}

const root = join(import.meta.dir, '..', '..')

export async function startServer(port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = Bun.spawn([process.execPath, 'server/src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      REDIS_URL: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'error',
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    },
    stdout: 'ignore',
    stderr: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) throw new Error(`server on ${port} exited with ${proc.exitCode}`)
    if (Date.now() > deadline) throw new Error(`server on ${port} did not start`)
    await Bun.sleep(100)
  }
  return {
    url,
    port,
    async stop() {
      proc.kill('SIGTERM')
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await proc.exited
      clearTimeout(t)
    },
  }
}

/** A redis-server of the test's own (never the shared one: the test stops and restarts it). */
export async function startRedis(port: number): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  let proc: ReturnType<typeof Bun.spawn> | null = null
  const start = async () => {
    proc = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' })
    for (let i = 0; i < 100; i++) {
      const ping = Bun.spawnSync(['redis-cli', '-p', String(port), 'ping'])
      if (ping.stdout.toString().trim() === 'PONG') return
      await Bun.sleep(50)
    }
    throw new Error(`redis-server on ${port} did not start`)
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      proc?.kill('SIGKILL')
      await proc?.exited
      proc = null
    },
  }
}
