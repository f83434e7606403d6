import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { CreatorsService } from './service'
import { CACHED, cacheKeys, type Cache } from '../lib/cache'

export const creatorsRoutes = (creators: CreatorsService, tokens: TokenService, cache: Cache) =>
  new Elysia({ prefix: '/v1/creators' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      const created = await creators.create(userId, body)
      // Search answers list creators: a new search epoch makes the creator findable at once (see CACHED.search).
      await cache.invalidate(cacheKeys.searchEpoch)
      set.status = 201
      return created
    }, { ...op.createCreator, auth: true })
    // Cached, but without ETag/304: the contract documents conditional reads for drops and products only.
    .get('/:creatorId', async ({ params }) =>
      (await cache.get(CACHED.creator, cacheKeys.creator(params.creatorId), () => creators.get(params.creatorId))).value, op.getCreator)
