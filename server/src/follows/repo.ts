import type { CreatorRow } from '../creators/service'
import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'

/**
 * Follows and the creator's follower_count move together, in one transaction, and only when a row really
 * appeared or disappeared: `on conflict do nothing` / `delete … returning` tell us that, so a repeated or
 * concurrent follow/unfollow never counts twice. The count update takes the creator row's lock, which
 * serialises concurrent changes of one creator's count; the unique key serialises the (creator, follower) pair.
 */
export async function insertFollow(sql: Tx, creatorId: string, followerId: string): Promise<boolean> {
  const rows = await sql`
    insert into follows (creator_id, follower_id) values (${creatorId}, ${followerId})
    on conflict do nothing
    returning 1`
  if (!rows.length) return false
  await sql`update creators set follower_count = follower_count + 1 where id = ${creatorId}`
  return true
}

export async function deleteFollow(sql: Tx, creatorId: string, followerId: string): Promise<boolean> {
  const rows = await sql`delete from follows where creator_id = ${creatorId} and follower_id = ${followerId} returning 1`
  if (!rows.length) return false
  await sql`update creators set follower_count = follower_count - 1 where id = ${creatorId}`
  return true
}

export interface FollowerRow {
  userId: string
  username: string
  userCreatedAt: Date
  followedAt: Date
}

/** Most recent first; (followed_at, follower_id) is the keyset. */
export async function listFollowers(sql: Tx, creatorId: string, after: CursorKey | null, limit: number): Promise<FollowerRow[]> {
  return sql<FollowerRow[]>`
    select u.id as user_id, u.username, u.created_at as user_created_at, f.created_at as followed_at
    from follows f join users u on u.id = f.follower_id
    where f.creator_id = ${creatorId}
      ${after ? sql`and (f.created_at, f.follower_id) < (${after[0] as string}::timestamptz, ${after[1] as string}::uuid)` : sql``}
    order by f.created_at desc, f.follower_id desc
    limit ${limit + 1}`
}

export interface FollowingRow extends CreatorRow {
  followedAt: Date
}

export async function listFollowing(sql: Tx, userId: string, after: CursorKey | null, limit: number): Promise<FollowingRow[]> {
  return sql<FollowingRow[]>`
    select c.id, c.user_id, c.handle, c.display_name, c.follower_count, c.created_at, f.created_at as followed_at
    from follows f join creators c on c.id = f.creator_id
    where f.follower_id = ${userId}
      ${after ? sql`and (f.created_at, f.creator_id) < (${after[0] as string}::timestamptz, ${after[1] as string}::uuid)` : sql``}
    order by f.created_at desc, f.creator_id desc
    limit ${limit + 1}`
}
