import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { UsersService } from './service'

export const usersRoutes = (users: UsersService, tokens: TokenService) =>
  new Elysia()
    .use(authGuard(tokens))
    .get('/v1/me', ({ userId }) => users.getMe(userId), { ...op.getMe, auth: true })
    .get('/v1/users/:userId', ({ params }) => users.getPublic(params.userId), op.getUser)
