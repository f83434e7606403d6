/**
 * Starts OpenTelemetry tracing, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: every SDK module is imported here,
 * dynamically, so a server without it never loads one (lib/tracing/context.ts and the wrappers stay inert).
 *
 * What is traced, and where it is hooked (each wrapper is installed only when this has run):
 * - every request: http.ts (a SERVER span, W3C traceparent from the caller, named by the matched route);
 * - every SQL statement and transaction: sql.ts, a Proxy around the pool (postgres.js has no instrumentation);
 * - every Redis command: the official @opentelemetry/instrumentation-ioredis, applied to the loaded ioredis
 *   module below (its require hook cannot patch a module that Bun has already loaded through `import`);
 * - the outbox hop: the writer's traceparent is stored with the event (events/outbox.ts), and the relay and
 *   each instance's SSE fan-out continue that trace (events/relay.ts, events/hub.ts).
 */
import type { Tracer } from '@opentelemetry/api'
import type { OtelConfig } from '../../config'
import { markTracingStarted } from './context'

export interface Tracing {
  tracer: Tracer
  /** exports what is buffered and stops (end of the graceful shutdown) */
  shutdown(): Promise<void>
}

export async function startTracing(otel: OtelConfig & { endpoint: string }, instanceId: string): Promise<Tracing> {
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, sdk, { resourceFromAttributes }, { IORedisInstrumentation }, ioredis] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('ioredis'),
  ])
  const url = `${otel.endpoint.replace(/\/+$/, '')}/v1/traces`
  const exporter = otel.protocol === 'http/json'
    ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url })
    : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url })
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': otel.serviceName, 'service.instance.id': instanceId }),
    // Batched off the request path; a full queue drops spans rather than slowing requests down.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000, maxQueueSize: 8192, maxExportBatchSize: 512 })],
  })
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  api.trace.setGlobalTracerProvider(provider)

  // Commands outside any trace (pub/sub, background loops) make no spans of their own: requireParentSpan.
  // The statement is the command name alone: keys and arguments name users and addresses (like SQL parameters,
  // they stay out of traces).
  const redis = new IORedisInstrumentation({ enabled: false, requireParentSpan: true, dbStatementSerializer: (command) => command })
  redis.setTracerProvider(provider)
  const Redis = (ioredis as unknown as { default: unknown }).default ?? ioredis
  for (const def of redis.getModuleDefinitions()) def.patch?.(Redis, (await import('ioredis/package.json')).version)

  markTracingStarted()
  return { tracer: api.trace.getTracer('livedrop'), shutdown: () => provider.shutdown() }
}
