import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { DropsService } from './service'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'

export const dropsRoutes = (drops: DropsService, tokens: TokenService, cache: Cache) =>
  new Elysia({ prefix: '/v1/drops' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return drops.create(userId, body)
    }, { ...op.createDrop, auth: true })
    // Reads are served from the cache (at most 1 s stale, invalidated on change); see lib/cache.ts.
    .get('', async ({ query, request }) => {
      const q = { status: query.status, creatorId: query.creatorId, limit: query.limit ?? 20, cursor: query.cursor }
      return entryResponse(await cache.get(CACHED.dropList, cacheKeys.dropList(q), () => drops.list(q)), request)
    }, op.listDrops)
    .get('/:dropId', async ({ params, request }) =>
      entryResponse(await cache.get(CACHED.drop, cacheKeys.drop(params.dropId), () => drops.get(params.dropId)), request), op.getDrop)
    .patch('/:dropId', ({ userId, params, body }) => drops.update(userId, params.dropId, body), { ...op.updateDrop, auth: true })
    .post('/:dropId/cancel', ({ userId, params }) => drops.cancel(userId, params.dropId), { ...op.cancelDrop, auth: true })
    .get('/:dropId/audit', ({ userId, params }) => drops.audit(userId, params.dropId), { ...op.getDropAudit, auth: true })
