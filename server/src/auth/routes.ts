import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import type { AuthService } from './service'

export const authRoutes = (auth: AuthService) =>
  new Elysia({ prefix: '/v1/auth' })
    .post('/register', async ({ body, set }) => {
      set.status = 201
      return auth.register(body)
    }, op.register)
    .post('/login', ({ body }) => auth.login(body), op.login)
    .post('/refresh', ({ body }) => auth.refresh(body.refreshToken), op.refresh)
    .post('/logout', async ({ body, set }) => {
      await auth.logout(body.refreshToken)
      set.status = 204
    }, op.logout)
