import { Elysia } from 'elysia'
import type { Deps } from './deps'
import { httpBasics, requestDeadline } from './lib/http'
import { requestScope } from './lib/request-context'
import { traceRequests } from './lib/tracing/http'
import { opsRoutes } from './ops/routes'
import { metricsRoutes } from './ops/metrics'
import { metricsHttp } from './lib/metrics-http'
import { rateLimitHttp } from './lib/rate-limit-http'
import { authRoutes } from './auth/routes'
import { usersRoutes } from './users/routes'
import { creatorsRoutes } from './creators/routes'
import { productsRoutes } from './products/routes'
import { dropsRoutes } from './drops/routes'
import { ordersRoutes } from './orders/routes'
import { followsRoutes } from './follows/routes'
import { notificationsRoutes } from './notifications/routes'
import { eventsRoutes } from './events/routes'
import { webhooksRoutes } from './webhooks/routes'
import { queueRoutes } from './queue/routes'
import { storefrontRoutes } from './storefront/routes'
import { productImagesRoutes } from './products/images/routes'
import { localStorageRoutes, STREAMED_BODY_PATH } from './products/images/storage-routes'
import { searchRoutes } from './search/routes'

/** Composes the feature routes behind the shared HTTP basics. No I/O happens here. */
export function createApp(deps: Deps) {
  // Tracing on: a span around each request (the wrap) and its name and status once the route is known (the plugin).
  const traced = deps.tracing ? traceRequests(deps.tracing.tracer) : null
  // Higher-order functions nest in reverse order of registration: the request scope (request id and trace id for
  // every log line) is outermost, the span inside it, the deadline innermost (its 503 is part of the span).
  let app = new Elysia({ normalize: false }).wrap(requestDeadline(deps.config.requestTimeoutMs, deps.log) as never)
  if (traced) app = app.wrap(traced.wrap as never)
  return app
    .wrap(requestScope() as never)
    .use(traced ? traced.plugin : new Elysia())
    // The limiter comes first: its parse hook must count a request before httpBasics reads the body.
    .use(deps.rateLimiter ? rateLimitHttp({
      limiter: deps.rateLimiter,
      metrics: deps.metrics,
      trustedProxies: deps.config.rateLimit.trustedProxies,
      userOf: (authorization) => deps.tokens.authenticate(authorization).then((p) => p.userId, () => null),
    }) : new Elysia())
    .use(httpBasics(deps.log, { streamedBodyPath: deps.localImageStore ? STREAMED_BODY_PATH : undefined }))
    .use(metricsHttp(deps.metrics))
    .use(opsRoutes({
      postgres: async () => {
        try {
          await deps.sql`select 1`
          return true
        } catch {
          return false
        }
      },
      redis: () => deps.backplane.ping(),
      redisKind: deps.backplane.kind,
      draining: () => deps.lifecycle.draining,
    }))
    .use(metricsRoutes(deps.metrics))
    .use(authRoutes(deps))
    .use(usersRoutes(deps))
    .use(creatorsRoutes(deps))
    .use(productsRoutes(deps))
    .use(productImagesRoutes(deps))
    .use(deps.localImageStore ? localStorageRoutes(deps, deps.localImageStore) : new Elysia())
    .use(dropsRoutes(deps))
    .use(searchRoutes(deps))
    .use(queueRoutes(deps))
    .use(ordersRoutes(deps))
    .use(followsRoutes(deps))
    .use(notificationsRoutes(deps))
    .use(eventsRoutes(deps, deps.config.rateLimit.trustedProxies))
    .use(webhooksRoutes(deps))
    .use(storefrontRoutes())
}

export type App = ReturnType<typeof createApp>
