/**
 * 10,000 concurrent SSE subscribers on one drop, one server instance (main.ts, default settings, Redis
 * pub/sub), on this machine: the time from the drop.live commit (drop_transitions.at, written in the
 * scheduler's transaction) to each subscriber receiving drop.live, and the server's RSS with the streams open.
 * The subscribers are raw sockets in this process, so the load generator shares the CPU with the server.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     bun scripts/bench-sse.ts               # BENCH_SUBSCRIBERS=10000 BENCH_PORT=3524
 */
import postgres from 'postgres'
import { createSql, migrate } from '../server/src/db'
import { openRawSse, type RawSse } from '../server/test/sse-socket'
import { benchDatabase, benchServer } from './lib/bench-server'
import { must, seedCreatorDrop } from './lib/seed'

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000)
const port = Number(process.env.BENCH_PORT ?? 3524)
const base = `http://127.0.0.1:${port}`

const dbUrl = await benchDatabase('livedrop_bench_sse', true)
{
  const m = createSql(dbUrl.toString(), { dbPoolMax: 1, dbStatementTimeoutMs: 60_000 })
  await migrate(m)
  await m.end()
}
const sql = postgres(dbUrl.toString(), { max: 2, transform: postgres.camel, onnotice: () => {} })

// 10,000 stream opens from one address are the point here, not the per-address read budget or stream cap.
const server = await benchServer(port, dbUrl.toString(), { REDIS_KEY_PREFIX: `benchsse${Date.now()}:`, LOG_LEVEL: 'error', RATE_LIMIT_ENABLED: 'false', SSE_MAX_STREAMS_PER_ADDRESS: '0' })
const rssMb = () => {
  const status = require('node:fs').readFileSync(`/proc/${server.pid}/status`, 'utf8') as string
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

try {
  const { ld, drop } = await seedCreatorDrop(base, { initialStock: 100, startsInMs: 3_600_000 })

  await Bun.sleep(500)
  const rssIdle = rssMb()
  const t0 = performance.now()
  const streams: RawSse[] = []
  // Opened in waves of 500 so that the accept queue is not the thing measured.
  for (let i = 0; i < subscribers; i += 500) {
    const wave = await Promise.all(Array.from({ length: Math.min(500, subscribers - i) }, () => openRawSse(port, `/v1/drops/${drop.id}/events`)))
    streams.push(...wave)
  }
  await Promise.all(streams.map((s) => s.waitFor('state', 60_000)))
  const openMs = performance.now() - t0
  if (streams.some((s) => s.status !== 200)) throw new Error('a stream did not open')
  await Bun.sleep(1000)
  const rssOpen = rssMb()

  // Reschedule to 2 s from now: the scheduler is woken by the change and moves the drop at startsAt.
  must(await ld.PATCH('/v1/drops/{dropId}', { params: { path: { dropId: drop.id } }, body: { startsAt: new Date(Date.now() + 2000).toISOString() } }), 'PATCH /v1/drops/{dropId}')
  const received = await Promise.all(streams.map((s) => s.waitFor('drop.live', 30_000)))
  const [t] = await sql<{ at: Date }[]>`select at from drop_transitions where drop_id = ${drop.id} and to_status = 'live'`
  const committedAt = t.at.getTime()
  const lat = received.map((e) => e.wall - committedAt).sort((a, b) => a - b)
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]
  const rssAfter = rssMb()
  streams.forEach((s) => s.close())
  await Bun.sleep(1500)
  const metrics = await (await fetch(`${base}/metrics`)).text()
  const open = /livedrop_sse_connections\{stream="drop"\} (\d+)/.exec(metrics)?.[1]

  console.log(JSON.stringify({
    subscribers,
    openAllMs: Math.round(openMs),
    dropLiveAfterCommitMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: lat.at(-1), min: lat[0] },
    serverRssMb: { idle: +rssIdle.toFixed(1), withStreamsOpen: +rssOpen.toFixed(1), afterDelivery: +rssAfter.toFixed(1), afterClose: +rssMb().toFixed(1) },
    sseConnectionsAfterClose: open === undefined ? null : Number(open),
    cores: navigator.hardwareConcurrency,
  }, null, 2))
} finally {
  await server.stop()
  await sql.end()
}
