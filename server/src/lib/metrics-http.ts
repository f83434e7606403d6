import { Elysia } from 'elysia'
import type { Metrics } from './metrics'

/**
 * Request count and latency by route template (never the raw path: ids would explode the series) and status.
 * Requests no route matched are labelled `unmatched`.
 */
export function metricsHttp(metrics: Metrics) {
  const started = new WeakMap<Request, number>()
  return new Elysia({ name: 'metrics-http' })
    .onRequest(({ request }) => {
      started.set(request, performance.now())
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set, responseValue }) => {
      const t0 = started.get(request)
      if (t0 === undefined) return
      const status = responseValue instanceof Response ? responseValue.status : typeof set.status === 'number' ? set.status : 200
      const labels = { method: request.method, route: route || 'unmatched', status: String(status) }
      metrics.httpRequests.inc(labels)
      metrics.httpDuration.observe(labels, (performance.now() - t0) / 1000)
    })
}
