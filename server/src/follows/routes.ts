import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { FollowsService } from './service'

export const followsRoutes = (follows: FollowsService, tokens: TokenService) =>
  new Elysia()
    .use(authGuard(tokens))
    .post('/v1/creators/:creatorId/follow', async ({ userId, params, set }) => {
      await follows.follow(userId, params.creatorId)
      set.status = 204
    }, { ...op.followCreator, auth: true })
    .delete('/v1/creators/:creatorId/follow', async ({ userId, params, set }) => {
      await follows.unfollow(userId, params.creatorId)
      set.status = 204
    }, { ...op.unfollowCreator, auth: true })
    .get('/v1/creators/:creatorId/followers', ({ params, query }) =>
      follows.followers(params.creatorId, { limit: query.limit ?? 20, cursor: query.cursor }), op.listFollowers)
    .get('/v1/users/:userId/following', ({ params, query }) =>
      follows.following(params.userId, { limit: query.limit ?? 20, cursor: query.cursor }), op.listFollowing)
