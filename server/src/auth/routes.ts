import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { login, logout, refresh, register, type AuthDeps } from './service'

export const authRoutes = (deps: AuthDeps) =>
  new Elysia({ prefix: '/v1/auth' })
    .post('/register', async ({ body, set }) => {
      set.status = 201
      return register(deps, body)
    }, op.register)
    .post('/login', ({ body }) => login(deps, body), op.login)
    .post('/refresh', ({ body }) => refresh(deps, body.refreshToken), op.refresh)
    .post('/logout', async ({ body, set }) => {
      await logout(deps, body.refreshToken)
      set.status = 204
    }, op.logout)
