import type { Sql, Tx } from '../db'
import { appendEvent } from '../platform/outbox'
import { AppError } from '../errors'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { FollowedCreator, Follower } from '../contract/schemas.gen'
import type { CreatorsService } from '../creators/service'
import type { UsersService } from '../users/service'
import * as repo from './repo'

export interface FollowsService {
  follow(userId: string, creatorId: string): Promise<void>
  unfollow(userId: string, creatorId: string): Promise<void>
  followers(creatorId: string, q: { limit: number; cursor?: string }): Promise<Page<Follower>>
  following(userId: string, q: { limit: number; cursor?: string }): Promise<Page<FollowedCreator>>
  /** Called after a follow or unfollow changed a creator's followerCount (e.g. to invalidate caches). */
  onChange(listener: (creatorId: string) => void): void
}

/**
 * A follow that really changed is also an (internal) event, in the same transaction: every instance's live
 * hub learns from it, in event order, whom the creator's next drop.live goes to (events/interests.ts).
 */
async function withEvent(tx: Tx, userId: string, creatorId: string, following: boolean, change: Promise<boolean>): Promise<boolean> {
  if (!(await change)) return false
  await appendEvent(tx, { type: 'follow.changed', userId, creatorId, data: { following } })
  return true
}

export function createFollowsService(deps: { sql: Sql; creators: CreatorsService; users: UsersService }): FollowsService {
  const { sql } = deps
  const listeners: Array<(creatorId: string) => void> = []
  const changed = (creatorId: string) => listeners.forEach((l) => l(creatorId))
  return {
    onChange: (l) => void listeners.push(l),
    async follow(userId, creatorId) {
      const creator = await deps.creators.get(creatorId)
      if (creator.userId === userId) throw new AppError('CANNOT_FOLLOW_SELF', 'You cannot follow your own creator profile')
      if (await sql.begin((tx) => withEvent(tx, userId, creatorId, true, repo.insertFollow(tx, creatorId, userId)))) changed(creatorId)
    },
    async unfollow(userId, creatorId) {
      await deps.creators.get(creatorId)
      if (await sql.begin((tx) => withEvent(tx, userId, creatorId, false, repo.deleteFollow(tx, creatorId, userId)))) changed(creatorId)
    },
    async followers(creatorId, q) {
      await deps.creators.get(creatorId)
      const after = decodeCursor(q.cursor, ['time', 'uuid'])
      const rows = await repo.listFollowers(sql, creatorId, after, q.limit)
      return toPage(rows, q.limit, (r) => ({
        user: { id: r.userId, username: r.username, createdAt: r.userCreatedAt.toISOString() },
        followedAt: r.followedAt.toISOString(),
      }), (r) => [r.followedAt.toISOString(), r.userId])
    },
    async following(userId, q) {
      await deps.users.getPublic(userId)
      const after = decodeCursor(q.cursor, ['time', 'uuid'])
      const rows = await repo.listFollowing(sql, userId, after, q.limit)
      return toPage(rows, q.limit, (r) => ({
        creator: {
          id: r.id, userId: r.userId, handle: r.handle, displayName: r.displayName,
          followerCount: r.followerCount, createdAt: r.createdAt.toISOString(),
        },
        followedAt: r.followedAt.toISOString(),
      }), (r) => [r.followedAt.toISOString(), r.id])
    },
  }
}
