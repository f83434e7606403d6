/**
 * GET /v1/drops/{id} of a live drop under load, five ways in one run on one machine:
 *   cached    — the real server (main.ts) with the two-layer cache
 *   traced    — the same with OpenTelemetry on (OTEL_EXPORTER_OTLP_ENDPOINT → a loopback OTLP sink in this
 *               process that accepts and drops every export; every request sampled, the worst case)
 *   traced 10% — the same with 1 request in 10 sampled (OTEL_TRACES_SAMPLER=parentbased_traceidratio)
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
import { Elysia } from 'elysia'
import type { SpawnedServer } from '../loadtest/runner/server'
import { benchDatabase, benchServer } from './lib/bench-server'
import { measure, type Row } from './lib/measure'
import { seedCreatorDrop, untilLive } from './lib/seed'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
const port = Number(process.env.BENCH_PORT ?? 3515)
const base = `http://127.0.0.1:${port}`

const dbUrl = await benchDatabase('livedrop_bench')

const startServer = (extra: Record<string, string>) => benchServer(port, dbUrl, extra)
const stop = (server: SpawnedServer) => server.stop()

async function seedLiveDrop(): Promise<string> {
  const { ld, drop } = await seedCreatorDrop(base, { initialStock: 1_000_000, startsInMs: 1500 })
  await untilLive(ld, drop.id)
  return drop.id
}

const measureUrl = (name: string, url: string) => measure(name, { url, connections, duration })

const results: Row[] = []
let server = await startServer({ RUN_SCHEDULER: 'true' })
const dropId = await seedLiveDrop()
const body = await (await fetch(`${base}/v1/drops/${dropId}`)).text()
const path = `/v1/drops/${dropId}`
await stop(server)

// The collector the traced server exports to: accepts every OTLP/HTTP export and drops it.
let exported = 0
const sink = Bun.serve({
  port: port + 1,
  hostname: '127.0.0.1',
  async fetch(req) {
    exported += (await req.arrayBuffer()).byteLength
    return new Response(new Uint8Array(0), { headers: { 'content-type': 'application/x-protobuf' } })
  },
})

for (let round = 0; round < rounds; round++) {
  server = await startServer({ RUN_SCHEDULER: 'false' })
  results.push(await measureUrl('cached', base + path))
  await stop(server)

  server = await startServer({ RUN_SCHEDULER: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.port}` })
  results.push(await measureUrl('traced', base + path))
  await stop(server)

  // What a busy deployment would run: 1 request in 10 sampled (the SDK's standard sampler variables).
  server = await startServer({ RUN_SCHEDULER: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.port}`, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })
  results.push(await measureUrl('traced 10%', base + path))
  await stop(server)

  server = await startServer({ RUN_SCHEDULER: 'false', CACHE_ENABLED: 'false' })
  results.push(await measureUrl('uncached', base + path))
  await stop(server)

  const ceiling = new Elysia().get('/v1/drops/:dropId', () => new Response(body, { headers: { 'content-type': 'application/json' } })).listen({ port, hostname: '127.0.0.1' })
  results.push(await measureUrl('ceiling', base + path))
  await ceiling.stop(true)
}

const best = (name: string) => results.filter((r) => r.name === name).sort((a, b) => b.rps - a.rps)[0]
console.log(`\nGET ${path} — ${connections} connections, ${duration} s, ${rounds} round(s), ${navigator.hardwareConcurrency} CPUs, Bun ${Bun.version}`)
console.log('| run | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.non2xx} | ${r.errors} |`)
const [c, t, t10, u, x] = [best('cached'), best('traced'), best('traced 10%'), best('uncached'), best('ceiling')]
console.log(`\ncached / ceiling = ${(c.rps / x.rps).toFixed(2)}   cached / uncached = ${(c.rps / u.rps).toFixed(2)}   (target: cached ≥ 0.5 × ceiling)`)
console.log(`traced / cached = ${(t.rps / c.rps).toFixed(2)}   traced / ceiling = ${(t.rps / x.rps).toFixed(2)}   p95 traced − cached = ${(t.p95 - c.p95).toFixed(2)} ms   traced 10% / cached = ${(t10.rps / c.rps).toFixed(2)}   (${(exported / 1e6).toFixed(1)} MB of spans exported)`)
sink.stop(true)
process.exit(0)
