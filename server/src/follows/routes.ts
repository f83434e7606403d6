import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { followCreator, listFollowers, listFollowing, unfollowCreator, type FollowsDeps } from './service'
import { pageOf } from '../lib/pagination'

export const followsRoutes = (deps: FollowsDeps & AuthGuardDeps) =>
  new Elysia()
    .use(authGuard(deps.tokens))
    .post('/v1/creators/:creatorId/follow', async ({ userId, params, set }) => {
      await followCreator(deps, userId, params.creatorId)
      set.status = 204
    }, { ...op.followCreator, auth: true })
    .delete('/v1/creators/:creatorId/follow', async ({ userId, params, set }) => {
      await unfollowCreator(deps, userId, params.creatorId)
      set.status = 204
    }, { ...op.unfollowCreator, auth: true })
    .get('/v1/creators/:creatorId/followers', ({ params, query }) =>
      listFollowers(deps, params.creatorId, pageOf(query)), op.listFollowers)
    .get('/v1/users/:userId/following', ({ params, query }) =>
      listFollowing(deps, params.userId, pageOf(query)), op.listFollowing)
