import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { getMe, getPublicUser, type UsersDeps } from './service'

export const usersRoutes = (deps: UsersDeps & AuthGuardDeps) =>
  new Elysia()
    .use(authGuard(deps.tokens))
    .get('/v1/me', ({ userId }) => getMe(deps, userId), { ...op.getMe, auth: true })
    .get('/v1/users/:userId', ({ params }) => getPublicUser(deps, params.userId), op.getUser)
