import type { Sql, Tx } from '../db'
import { appendEvent } from '../platform/outbox'
import { AppError } from '../errors'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { FollowedCreator, Follower } from '../contract/schemas.gen'
import { getCreator } from '../creators/service'
import { getPublicUser } from '../users/service'
import * as repo from './repo'

export interface FollowsDeps {
  sql: Sql
  hooks: {
    /** A follow or unfollow changed a creator's followerCount (deps.ts invalidates the cached creator). */
    followersChanged(creatorId: string): void
  }
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

export async function followCreator(deps: FollowsDeps, userId: string, creatorId: string): Promise<void> {
  const creator = await getCreator(deps, creatorId)
  if (creator.userId === userId) throw new AppError('CANNOT_FOLLOW_SELF', 'You cannot follow your own creator profile')
  if (await deps.sql.begin((tx) => withEvent(tx, userId, creatorId, true, repo.insertFollow(tx, creatorId, userId)))) deps.hooks.followersChanged(creatorId)
}

export async function unfollowCreator(deps: FollowsDeps, userId: string, creatorId: string): Promise<void> {
  await getCreator(deps, creatorId)
  if (await deps.sql.begin((tx) => withEvent(tx, userId, creatorId, false, repo.deleteFollow(tx, creatorId, userId)))) deps.hooks.followersChanged(creatorId)
}

export async function listFollowers(deps: FollowsDeps, creatorId: string, q: { limit: number; cursor?: string }): Promise<Page<Follower>> {
  await getCreator(deps, creatorId)
  const after = decodeCursor(q.cursor, ['time', 'uuid'])
  const rows = await repo.listFollowers(deps.sql, creatorId, after, q.limit)
  return toPage(rows, q.limit, (r) => ({
    user: { id: r.userId, username: r.username, createdAt: r.userCreatedAt.toISOString() },
    followedAt: r.followedAt.toISOString(),
  }), (r) => [r.followedAt.toISOString(), r.userId])
}

export async function listFollowing(deps: FollowsDeps, userId: string, q: { limit: number; cursor?: string }): Promise<Page<FollowedCreator>> {
  await getPublicUser(deps, userId)
  const after = decodeCursor(q.cursor, ['time', 'uuid'])
  const rows = await repo.listFollowing(deps.sql, userId, after, q.limit)
  return toPage(rows, q.limit, (r) => ({
    creator: {
      id: r.id, userId: r.userId, handle: r.handle, displayName: r.displayName,
      followerCount: r.followerCount, createdAt: r.createdAt.toISOString(),
    },
    followedAt: r.followedAt.toISOString(),
  }), (r) => [r.followedAt.toISOString(), r.id])
}
