/**
 * The outbox hop in traces. An event carries the traceparent of the request that wrote it (events/outbox.ts);
 * the instance that numbers and publishes it records a `outbox relay` span linked to every event's trace (one
 * batch holds events of many requests, so links rather than one parent), and every instance that sends it on
 * its SSE streams records an `sse deliver <type>` span as a child of the writing request's span: one order can
 * be followed from `POST /v1/orders` on one instance to the frame written on another. Installed by deps.ts
 * only when tracing is on.
 */
import { context, propagation, SpanKind, trace, type Link, type Tracer } from '@opentelemetry/api'
import { contextOf } from './context'

export interface TracedEvent {
  seq: number
  type: string
  traceparent?: string | null
}

export interface EventTracing {
  /** runs `send` (the hub's fan-out of one event) inside a span continuing the event's trace */
  delivery(e: TracedEvent, send: () => void): void
  /** runs `publish` (the relay's publication of a numbered batch) inside a span linked to the events' traces */
  relay<T>(events: TracedEvent[], publish: () => Promise<T>): Promise<T>
  /**
   * runs `send` (an outbound request about an event: a webhook attempt) in a CLIENT span of the event's trace,
   * handing it the W3C headers (traceparent) that carry the trace to the receiver
   */
  outbound<T>(e: { traceparent?: string | null }, name: string, send: (headers: Record<string, string>) => Promise<T>): Promise<T>
}

export function traceEvents(tracer: Tracer): EventTracing {
  return {
    delivery(e, send) {
      const parent = contextOf(e.traceparent)
      // An event no traced request wrote (scheduler, maintenance, tracing off at the time) is not traced here.
      if (!parent) return send()
      const span = tracer.startSpan(`sse deliver ${e.type}`, { kind: SpanKind.CONSUMER, attributes: { 'livedrop.event.seq': e.seq, 'livedrop.event.type': e.type } }, parent)
      try {
        context.with(trace.setSpan(parent, span), send)
      } finally {
        span.end()
      }
    },
    async outbound(e, name, send) {
      const parent = contextOf(e.traceparent)
      if (!parent) return send({})
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT }, parent)
      const ctx = trace.setSpan(parent, span)
      const headers: Record<string, string> = {}
      propagation.inject(ctx, headers)
      try {
        return await context.with(ctx, () => send(headers))
      } finally {
        span.end()
      }
    },
    async relay(events, publish) {
      const links: Link[] = []
      for (const e of events) {
        const ctx = contextOf(e.traceparent)
        const sc = ctx && trace.getSpanContext(ctx)
        if (sc) links.push({ context: sc, attributes: { 'livedrop.event.seq': e.seq } })
      }
      if (!links.length) return publish()
      const span = tracer.startSpan('outbox relay', { kind: SpanKind.PRODUCER, links, attributes: { 'livedrop.outbox.events': events.length } })
      try {
        return await context.with(trace.setSpan(context.active(), span), publish)
      } finally {
        span.end()
      }
    },
  }
}
