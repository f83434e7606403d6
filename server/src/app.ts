import { Elysia } from 'elysia'
import type { Deps } from './deps'
import { httpBasics } from './lib/http'
import { opsRoutes } from './ops/routes'
import { authRoutes } from './auth/routes'
import { usersRoutes } from './users/routes'
import { creatorsRoutes } from './creators/routes'
import { productsRoutes } from './products/routes'

/** Composes the feature routes behind the shared HTTP basics. No I/O happens here. */
export function createApp(deps: Deps) {
  return new Elysia({ normalize: false })
    .use(httpBasics(deps.log))
    .use(opsRoutes({
      postgres: async () => {
        try {
          await deps.sql`select 1`
          return true
        } catch {
          return false
        }
      },
      redis: () => deps.backplane.ping(),
      redisKind: deps.backplane.kind,
      draining: () => deps.lifecycle.draining,
    }))
    .use(authRoutes(deps.auth))
    .use(usersRoutes(deps.users, deps.tokens))
    .use(creatorsRoutes(deps.creators, deps.tokens))
    .use(productsRoutes(deps.products, deps.tokens))
}

export type App = ReturnType<typeof createApp>
