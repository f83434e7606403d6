/**
 * GET /v1/drops/{id} of a live drop under load, three ways in one run on one machine:
 *   cached    — the real server (main.ts) with the two-layer cache
 *   uncached  — the same server with CACHE_ENABLED=false (every request reads PostgreSQL)
 *   ceiling   — bare Elysia answering the same JSON body as a constant
 * Each server runs alone while it is measured (the load generator shares the machine with it).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     bun scripts/bench-reads.ts            # BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=1
 *
 * The server runs with default settings except RATE_LIMIT_READS: the load comes from one address, and
 * the default budget (6,000 reads/s per address) would be the thing measured instead of the read path.
 */
import autocannon from 'autocannon'
import { Elysia } from 'elysia'
import { ensureDatabase } from '../server/src/embedded'
import { spawnServer, type SpawnedServer } from '../loadtest/runner/server'
import { seedCreatorDrop, untilLive } from './lib/seed'

const adminUrl = process.env.DATABASE_URL
if (!adminUrl) throw new Error('set DATABASE_URL (an admin URL; the bench uses its own database livedrop_bench)')
const duration = Number(process.env.BENCH_DURATION ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
const port = Number(process.env.BENCH_PORT ?? 3515)
const base = `http://127.0.0.1:${port}`

await ensureDatabase(adminUrl, 'livedrop_bench')
const dbUrl = new URL(adminUrl)
dbUrl.pathname = '/livedrop_bench'

function startServer(extra: Record<string, string>) {
  return spawnServer({
    port,
    readyPath: '/healthz',
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: dbUrl.toString(),
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

const stop = (server: SpawnedServer) => server.stop()

async function seedLiveDrop(): Promise<string> {
  const { ld, drop } = await seedCreatorDrop(base, { initialStock: 1_000_000, startsInMs: 1500 })
  await untilLive(ld, drop.id)
  return drop.id
}

interface Row {
  name: string
  rps: number
  p50: number
  p95: number
  p99: number
  non2xx: number
  errors: number
}

async function measure(name: string, url: string): Promise<Row> {
  // autocannon reports p97.5, not p95: collect every latency and compute it.
  const times: number[] = []
  // Warm-up (JIT, connection pools, caches) is not measured.
  await autocannon({ url, connections, duration: 2 })
  const result = await autocannon({
    url,
    connections,
    duration,
    setupClient: (client: any) => client.on('response', (_s: number, _b: number, ms: number) => times.push(ms)),
  })
  times.sort((a, b) => a - b)
  const pct = (p: number) => +times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2)
  return { name, rps: Math.round(result.requests.average), p50: pct(50), p95: pct(95), p99: pct(99), non2xx: result.non2xx, errors: result.errors }
}

const results: Row[] = []
let server = await startServer({ RUN_SCHEDULER: 'true' })
const dropId = await seedLiveDrop()
const body = await (await fetch(`${base}/v1/drops/${dropId}`)).text()
const path = `/v1/drops/${dropId}`
await stop(server)

for (let round = 0; round < rounds; round++) {
  server = await startServer({ RUN_SCHEDULER: 'false' })
  results.push(await measure('cached', base + path))
  await stop(server)

  server = await startServer({ RUN_SCHEDULER: 'false', CACHE_ENABLED: 'false' })
  results.push(await measure('uncached', base + path))
  await stop(server)

  const ceiling = new Elysia().get('/v1/drops/:dropId', () => new Response(body, { headers: { 'content-type': 'application/json' } })).listen({ port, hostname: '127.0.0.1' })
  results.push(await measure('ceiling', base + path))
  await ceiling.stop(true)
}

const best = (name: string) => results.filter((r) => r.name === name).sort((a, b) => b.rps - a.rps)[0]
console.log(`\nGET ${path} — ${connections} connections, ${duration} s, ${rounds} round(s), ${navigator.hardwareConcurrency} CPUs, Bun ${Bun.version}`)
console.log('| run | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.non2xx} | ${r.errors} |`)
const [c, u, x] = [best('cached'), best('uncached'), best('ceiling')]
console.log(`\ncached / ceiling = ${(c.rps / x.rps).toFixed(2)}   cached / uncached = ${(c.rps / u.rps).toFixed(2)}   (target: cached ≥ 0.5 × ceiling)`)
process.exit(0)
