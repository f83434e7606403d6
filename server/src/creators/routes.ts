import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../auth/plugin'
import type { TokenService } from '../auth/tokens'
import type { CreatorsService } from './service'

export const creatorsRoutes = (creators: CreatorsService, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/creators' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return creators.create(userId, body)
    }, { ...op.createCreator, auth: true })
    .get('/:creatorId', ({ params }) => creators.get(params.creatorId), op.getCreator)
