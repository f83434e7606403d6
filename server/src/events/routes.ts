import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../auth/plugin'
import type { TokenService } from '../auth/tokens'
import { unauthorized } from '../errors'
import type { LiveService } from './service'

/** The SSE streams and the tickets that open the personal one without an Authorization header. */
export const eventsRoutes = (live: LiveService, tokens: TokenService) =>
  new Elysia()
    .use(authGuard(tokens))
    .get('/v1/drops/:dropId/events', ({ params, headers, request }) =>
      live.openDropStream(params.dropId, headers['last-event-id'], request.signal), op.streamDropEvents)
    .get('/v1/me/events', async ({ query, headers, request }) => {
      const authorization = request.headers.get('authorization')
      // A header wins over a ticket (and a bad header is a 401 even with a ticket): no silent fallback.
      let userId: string
      if (authorization) userId = await tokens.authenticate(authorization)
      else if (query.ticket) userId = await live.redeemTicket(query.ticket)
      else throw unauthorized('Send a Bearer token or a ?ticket= from POST /v1/realtime/tickets')
      return live.openUserStream(userId, headers['last-event-id'], request.signal)
    }, op.streamMyEvents)
    .post('/v1/realtime/tickets', async ({ userId, set }) => {
      set.status = 201
      return live.issueTicket(userId)
    }, { ...op.createRealtimeTicket, auth: true })
