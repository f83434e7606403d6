import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import type { Metrics } from '../lib/metrics'

/** Prometheus text exposition. Unauthenticated like the other probes: expose it on an internal port or path only. */
export const metricsRoutes = (metrics: Metrics) =>
  new Elysia().get('/metrics', async () => new Response(await metrics.registry.metrics(), {
    headers: { 'content-type': metrics.registry.contentType },
  }), op.getMetrics)
