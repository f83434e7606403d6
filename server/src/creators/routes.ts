import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { createCreator, getCreator, type CreatorsWriteDeps } from './service'
import { CACHED, cacheKeys, type Cache } from '../lib/cache'

export const creatorsRoutes = (deps: CreatorsWriteDeps & AuthGuardDeps & { cache: Cache }) =>
  new Elysia({ prefix: '/v1/creators' })
    .use(authGuard(deps.tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return createCreator(deps, userId, body)
    }, { ...op.createCreator, auth: true })
    // Cached, but without ETag/304: the contract documents conditional reads for drops and products only.
    .get('/:creatorId', async ({ params }) =>
      (await deps.cache.get(CACHED.creator, cacheKeys.creator(params.creatorId), () => getCreator(deps, params.creatorId))).value, op.getCreator)
