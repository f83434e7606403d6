import type { Tx } from '../db'
import { notFound } from '../errors'
import type { Me, User } from '../contract/schemas.gen'
import { findCreatorByUser } from '../creators/service'
import * as repo from './repo'

/** What the users' verbs need: the pool, or a transaction to read inside it (auth builds a session in one). */
export interface UsersDeps {
  sql: Tx
}

export const toUser = (r: repo.UserRow): User => ({ id: r.id, username: r.username, createdAt: r.createdAt.toISOString() })

export async function getMe(deps: UsersDeps, userId: string): Promise<Me> {
  const [user, creator] = await Promise.all([repo.findUser(deps.sql, userId), findCreatorByUser(deps, userId)])
  // A valid token whose user was deleted is not an identity any more.
  if (!user) throw notFound('user')
  return { ...toUser(user), email: user.email, creator }
}

export async function getPublicUser(deps: UsersDeps, userId: string): Promise<User> {
  const user = await repo.findUser(deps.sql, userId)
  if (!user) throw notFound('user')
  return toUser(user)
}
