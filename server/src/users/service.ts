import type { Tx } from '../db'
import { notFound } from '../errors'
import type { Me, User } from '../contract/schemas.gen'
import type { CreatorsService } from '../creators/service'
import * as repo from './repo'

export interface UsersService {
  getMe(userId: string, tx?: Tx): Promise<Me>
  getPublic(userId: string): Promise<User>
}

export const toUser = (r: repo.UserRow): User => ({ id: r.id, username: r.username, createdAt: r.createdAt.toISOString() })

export function createUsersService(deps: { sql: Tx; creators: CreatorsService }): UsersService {
  return {
    async getMe(userId, tx = deps.sql) {
      const [user, creator] = await Promise.all([repo.findUser(tx, userId), deps.creators.findByUser(userId, tx)])
      // A valid token whose user was deleted is not an identity any more.
      if (!user) throw notFound('user')
      return { ...toUser(user), email: user.email, creator }
    },
    async getPublic(userId) {
      const user = await repo.findUser(deps.sql, userId)
      if (!user) throw notFound('user')
      return toUser(user)
    },
  }
}
