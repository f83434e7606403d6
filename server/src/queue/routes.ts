import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { getQueuePlace, getQueueStats, issueChallenge, joinQueue, type QueueDeps } from './service'
import type { QueueStreams } from './live'
// Tickets are the events feature's: one kind opens every personal stream, this one included.
import { redeemTicket, type EventsDeps } from '../events/service'
import { unauthorized } from '../errors'

export const queueRoutes = (deps: QueueDeps & Pick<EventsDeps, 'sql'> & AuthGuardDeps & { queueStreams: QueueStreams }) =>
  new Elysia()
    .get('/v1/challenges', ({ query }) => issueChallenge(deps, query.dropId), op.getChallenge)
    // A browser's EventSource cannot send Authorization: the stream also takes a ticket, as /v1/me/events does.
    .get('/v1/drops/:dropId/queue/events', async ({ params, query, request }) => {
      const authorization = request.headers.get('authorization')
      // A header wins over a ticket (and a bad header is a 401 even with a ticket): no silent fallback.
      const principal = authorization ? await deps.tokens.authenticate(authorization)
        : query.ticket ? await redeemTicket(deps, query.ticket)
        : null
      if (!principal) throw unauthorized('Send a Bearer token or a ?ticket= from POST /v1/realtime/tickets')
      return deps.queueStreams.open(principal.userId, params.dropId, request.signal)
    }, op.streamQueueEvents)
    .use(lineRoutes(deps))

const lineRoutes = (deps: QueueDeps & AuthGuardDeps) =>
  new Elysia({ prefix: '/v1/drops/:dropId/queue' })
    .use(authGuard(deps.tokens))
    .post('', ({ userId, params, headers }) => joinQueue(deps, userId, params.dropId, headers.altcha), { ...op.joinQueue, auth: true })
    .get('', ({ userId, params }) => getQueuePlace(deps, userId, params.dropId), { ...op.getMyQueuePlace, auth: true })
    .get('/stats', ({ userId, params }) => getQueueStats(deps, userId, params.dropId), { ...op.getQueueStats, auth: true })
