import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What every log line written while a request runs carries (logger.ts's mixin): its request id and, when
 * tracing is on, its trace id. One AsyncLocalStorage store per request, entered by `requestScope` around the
 * whole handler, so it also reaches code that never sees the request (services, repos, the database wrapper).
 */
export interface RequestContext {
  requestId: string
  traceId?: string
}

const storage = new AsyncLocalStorage<RequestContext>()
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's X-Request-Id when it is a sane token, else a fresh one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id')
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID()
}

/** The running request's context, if any (background work has none). */
export const currentRequest = (): RequestContext | undefined => storage.getStore()

/** The running request's id, or a fresh one outside a request scope (a handler called without the wrap). */
export const currentRequestId = (request: Request): string => storage.getStore()?.requestId ?? requestIdOf(request)

/** Elysia higher-order function (app.wrap): runs each request inside its own context. */
export function requestScope() {
  return (fn: (request: Request) => unknown) => (request: Request) => storage.run({ requestId: requestIdOf(request) }, fn, request)
}
