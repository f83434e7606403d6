import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { unauthorized } from '../errors'
import { clientIp, proxyMatcher } from '../lib/rate-limit'
import { issueTicket, openCreatorStream, openDropStream, openUserStream, redeemTicket, type EventsDeps } from './service'

type Server = { requestIP(request: Request): { address: string } | null } | null

/** The SSE streams and the tickets that open the personal one without an Authorization header. */
export const eventsRoutes = (deps: EventsDeps & AuthGuardDeps, trustedProxies: string[]) => {
  const trusted = proxyMatcher(trustedProxies)
  // The same client address as the rate limiter's (TRUSTED_PROXIES); in-process requests have none.
  const streamRequest = (request: Request, server: Server, lastEventId: string | undefined) => ({
    lastEventId,
    signal: request.signal,
    address: clientIp(server?.requestIP(request)?.address, request.headers.get('x-forwarded-for'), trusted) ?? null,
  })
  /** The personal streams' caller. A header wins over a ticket (and a bad header is a 401 even with a ticket): no silent fallback. */
  const streamPrincipal = async (request: Request, ticket: string | undefined) => {
    const authorization = request.headers.get('authorization')
    const principal = authorization ? await deps.tokens.authenticate(authorization)
      : ticket ? await redeemTicket(deps, ticket)
      : null
    if (!principal) throw unauthorized('Send a Bearer token or a ?ticket= from POST /v1/realtime/tickets')
    return principal
  }
  return new Elysia()
    .use(authGuard(deps.tokens))
    .get('/v1/drops/:dropId/events', ({ params, headers, request, server }) =>
      openDropStream(deps, params.dropId, streamRequest(request, server, headers['last-event-id'])), op.streamDropEvents)
    .get('/v1/me/events', async ({ query, headers, request, server }) =>
      openUserStream(deps, await streamPrincipal(request, query.ticket), streamRequest(request, server, headers['last-event-id'])), op.streamMyEvents)
    .get('/v1/webhooks/events', async ({ query, headers, request, server }) =>
      openCreatorStream(deps, await streamPrincipal(request, query.ticket), streamRequest(request, server, headers['last-event-id'])), op.streamWebhookEvents)
    .post('/v1/realtime/tickets', async ({ principal, set }) => {
      set.status = 201
      return issueTicket(deps, principal)
    }, { ...op.createRealtimeTicket, auth: true })
}
