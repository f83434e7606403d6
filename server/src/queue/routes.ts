import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { QueueService } from './service'
import type { QueueStreams } from './live'

export const queueRoutes = (queue: QueueService, streams: QueueStreams, tokens: TokenService) =>
  new Elysia()
    .get('/v1/challenges', ({ query }) => queue.challenge(query.dropId), op.getChallenge)
    .use(lineRoutes(queue, streams, tokens))

const lineRoutes = (queue: QueueService, streams: QueueStreams, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/drops/:dropId/queue' })
    .use(authGuard(tokens))
    .post('', ({ userId, params, headers }) => queue.join(userId, params.dropId, headers.altcha), { ...op.joinQueue, auth: true })
    .get('', ({ userId, params }) => queue.place(userId, params.dropId), { ...op.getMyQueuePlace, auth: true })
    .get('/stats', ({ userId, params }) => queue.stats(userId, params.dropId), { ...op.getQueueStats, auth: true })
    .get('/events', ({ userId, params, request }) => streams.open(userId, params.dropId, request.signal), { ...op.streamQueueEvents, auth: true })
