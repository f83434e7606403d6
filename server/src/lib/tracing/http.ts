/**
 * A SERVER span per request, continuing the caller's trace when it sends a W3C `traceparent`. Installed by
 * app.ts only when tracing is on. The span is started around the whole handler (an Elysia higher-order
 * function, so that every database and Redis call of the request runs inside it) and is named, like the
 * metrics, by the route template Elysia matched (`POST /v1/orders`, never a path with ids in it).
 */
import { Elysia } from 'elysia'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api'
import { currentRequest } from '../request-context'

const fromHeaders: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => {
    const keys: string[] = []
    headers.forEach((_, k) => keys.push(k))
    return keys
  },
}

export function traceRequests(tracer: Tracer) {
  const spans = new WeakMap<Request, Span>()
  const wrap = (fn: (request: Request) => unknown) => (request: Request) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, fromHeaders)
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } }, parent)
    const scope = currentRequest()
    if (scope) {
      scope.traceId = span.spanContext().traceId
      span.setAttribute('livedrop.request_id', scope.requestId)
    }
    spans.set(request, span)
    return context.with(trace.setSpan(parent, span), fn, undefined, request)
  }
  // After the response (metrics-http does the same): the matched route and the status are known by then.
  const plugin = new Elysia({ name: 'tracing-http' }).onAfterResponse({ as: 'global' }, ({ request, route, set, responseValue }) => {
    const span = spans.get(request)
    if (!span) return
    spans.delete(request)
    const status = responseValue instanceof Response ? responseValue.status : typeof set.status === 'number' ? set.status : 200
    span.updateName(`${request.method} ${route || 'unmatched'}`)
    if (route) span.setAttribute('http.route', route)
    span.setAttribute('http.response.status_code', status)
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
    span.end()
  })
  return { wrap, plugin }
}
