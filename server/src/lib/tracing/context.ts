/**
 * The trace context that travels with an outbox event (its `traceparent` column), through the OpenTelemetry API
 * alone: no SDK here. Until setup.ts has started tracing (OTEL_EXPORTER_OTLP_ENDPOINT set) every function is a
 * flag test, so a server without tracing pays nothing on the order path.
 */
import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api'

let on = false

/** setup.ts, once the SDK is registered. */
export function markTracingStarted(): void {
  on = true
}

export const tracingStarted = (): boolean => on

/** The active span's W3C traceparent (to store with an event), or null when tracing is off or nothing is traced. */
export function currentTraceparent(): string | null {
  if (!on || !trace.getSpan(context.active())) return null
  const carrier: { traceparent?: string } = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent ?? null
}

/** The context a stored traceparent names (as a remote parent), or null when there is none or it is malformed. */
export function contextOf(traceparent: string | null | undefined): Context | null {
  if (!traceparent) return null
  const ctx = propagation.extract(ROOT_CONTEXT, { traceparent })
  return trace.getSpanContext(ctx) ? ctx : null
}
