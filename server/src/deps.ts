import type { Config } from './config'
import { createSql, type Sql } from './db'
import { createLogger, type Logger } from './logger'
import { createBackplane, type Backplane } from './redis'
import { createTokenService, type TokenService } from './auth/tokens'
import { createAuthService, type AuthService } from './auth/service'
import { createUsersService, type UsersService } from './users/service'
import { createCreatorsService, type CreatorsService } from './creators/service'
import { createProductsService, type ProductsService } from './products/service'

/** Everything the routes need, built once at boot from the resolved config. */
export interface Deps {
  config: Config
  log: Logger
  sql: Sql
  backplane: Backplane
  tokens: TokenService
  auth: AuthService
  users: UsersService
  creators: CreatorsService
  products: ProductsService
  lifecycle: { draining: boolean }
  close(): Promise<void>
}

export function createDeps(config: Config & { databaseUrl: string; jwtSecret: string }, log: Logger = createLogger(config)): Deps {
  const sql = createSql(config.databaseUrl, config)
  const backplane = createBackplane(config.redisUrl, log)
  const tokens = createTokenService(config)
  const creators = createCreatorsService({ sql })
  const users = createUsersService({ sql, creators })
  const products = createProductsService({ sql, creators })
  const auth = createAuthService({ sql, tokens, users, refreshTtlSec: config.refreshTokenTtlSec })
  return {
    config, log, sql, backplane, tokens, auth, users, creators, products,
    lifecycle: { draining: false },
    async close() {
      await backplane.close()
      await sql.end({ timeout: 5 })
    },
  }
}
