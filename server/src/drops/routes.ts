import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../auth/plugin'
import type { TokenService } from '../auth/tokens'
import type { DropsService } from './service'

export const dropsRoutes = (drops: DropsService, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/drops' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return drops.create(userId, body)
    }, { ...op.createDrop, auth: true })
    .get('', ({ query }) => drops.list({ status: query.status, creatorId: query.creatorId, limit: query.limit ?? 20, cursor: query.cursor }), op.listDrops)
    .get('/:dropId', ({ params }) => drops.get(params.dropId), op.getDrop)
    .patch('/:dropId', ({ userId, params, body }) => drops.update(userId, params.dropId, body), { ...op.updateDrop, auth: true })
    .post('/:dropId/cancel', ({ userId, params }) => drops.cancel(userId, params.dropId), { ...op.cancelDrop, auth: true })
    .get('/:dropId/audit', ({ userId, params }) => drops.audit(userId, params.dropId), { ...op.getDropAudit, auth: true })
