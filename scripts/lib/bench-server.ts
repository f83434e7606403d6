/**
 * The benchmarks' server: the real `bun server/src/main.ts` (started by the one spawner) on a database of the
 * bench's own, default settings except what `extra` says. The load comes from one address, so the per-address
 * read budget is raised: otherwise the limiter would be what is measured.
 */
import { ensureDatabase } from '../../server/src/embedded'
import { spawnServer, type SpawnedServer } from '../../loadtest/runner/server'

/** The bench's own database on DATABASE_URL's server (created when missing). */
export async function benchDatabase(name: string, fresh = false): Promise<string> {
  const adminUrl = process.env.DATABASE_URL
  if (!adminUrl) throw new Error(`set DATABASE_URL (an admin URL; the bench uses its own database ${name})`)
  await ensureDatabase(adminUrl, name, fresh)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export function benchServer(port: number, databaseUrl: string, extra: Record<string, string | undefined> = {}): Promise<SpawnedServer> {
  return spawnServer({
    port,
    readyPath: '/healthz',
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `bench${Date.now()}:`,
      JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_READS: '100000000/10',
      ...extra,
      // e.g. BENCH_SERVER_ENV='{"RATE_LIMIT_ENABLED":"false"}' to see what one component costs
      ...JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}'),
    },
  })
}
