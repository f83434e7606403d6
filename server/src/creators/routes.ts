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
      set.status = 201
      return creators.create(userId, body)
    }, { ...op.createCreator, auth: true })
    // Cached, but without ETag/304: the contract documents conditional reads for drops and products only.
    .get('/:creatorId', async ({ params }) =>
      (await cache.get(CACHED.creator, cacheKeys.creator(params.creatorId), () => creators.get(params.creatorId))).value, op.getCreator)
