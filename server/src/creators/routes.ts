import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../auth/plugin'
import type { TokenService } from '../auth/tokens'
import type { CreatorsService } from './service'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'

export const creatorsRoutes = (creators: CreatorsService, tokens: TokenService, cache: Cache) =>
  new Elysia({ prefix: '/v1/creators' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return creators.create(userId, body)
    }, { ...op.createCreator, auth: true })
    .get('/:creatorId', async ({ params, request }) =>
      entryResponse(await cache.get(CACHED.creator, cacheKeys.creator(params.creatorId), () => creators.get(params.creatorId)), request), op.getCreator)
