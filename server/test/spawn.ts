import type { Subprocess } from 'bun'
import { join } from 'node:path'
import { TEST_JWT_SECRET } from './helpers'

/** A real server process (bun server/src/main.ts) on the test database, for crash and multi-instance tests. */
export interface ServerProcess {
  url: string
  proc: Subprocess
  kill(signal?: NodeJS.Signals | number): Promise<void>
}

const ROOT = join(import.meta.dir, '..', '..')

export async function startServer(port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = Bun.spawn([process.execPath, 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      REDIS_URL: process.env.TEST_REDIS_URL || '',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    if (proc.exitCode !== null || Date.now() > deadline) {
      const err = await new Response(proc.stderr as ReadableStream).text()
      throw new Error(`server on ${port} did not start: ${err.slice(0, 2000)}`)
    }
    await Bun.sleep(50)
  }
  return {
    url,
    proc,
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode) return
      proc.kill(signal)
      await proc.exited
    },
  }
}
