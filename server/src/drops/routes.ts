import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { auditDrop, cancelDrop, createDrop, getDrop, listDrops, updateDrop, type DropsDeps } from './service'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'
import { pageOf } from '../lib/pagination'

export const dropsRoutes = (deps: DropsDeps & AuthGuardDeps & { cache: Cache }) =>
  new Elysia({ prefix: '/v1/drops' })
    .use(authGuard(deps.tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return createDrop(deps, userId, body)
    }, { ...op.createDrop, auth: true })
    // Reads are served from the cache (at most 1 s stale, invalidated on change); see lib/cache.ts.
    .get('', async ({ query, request }) => {
      const q = { status: query.status, creatorId: query.creatorId, ...pageOf(query) }
      return entryResponse(await deps.cache.get(CACHED.dropList, cacheKeys.dropList(q), () => listDrops(deps, q)), request)
    }, op.listDrops)
    .get('/:dropId', async ({ params, request }) =>
      entryResponse(await deps.cache.get(CACHED.drop, cacheKeys.drop(params.dropId), () => getDrop(deps, params.dropId)), request), op.getDrop)
    .patch('/:dropId', ({ userId, params, body }) => updateDrop(deps, userId, params.dropId, body), { ...op.updateDrop, auth: true })
    .post('/:dropId/cancel', ({ userId, params }) => cancelDrop(deps, userId, params.dropId), { ...op.cancelDrop, auth: true })
    .get('/:dropId/audit', ({ userId, params }) => auditDrop(deps, userId, params.dropId), { ...op.getDropAudit, auth: true })
