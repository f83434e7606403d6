import type { Tx } from '../db'
import { translateConstraint } from '../platform/constraints'

export interface CreatorRow {
  id: string
  userId: string
  handle: string
  displayName: string
  followerCount: number
  createdAt: Date
}

// Named columns, not `*`: creators also carry a search column (0008_search.sql) no creator read needs.
const COLUMNS = ['id', 'user_id', 'handle', 'display_name', 'follower_count', 'created_at']

export async function insertCreator(sql: Tx, c: { id: string; userId: string; handle: string; displayName: string }): Promise<CreatorRow> {
  try {
    const [row] = await sql<CreatorRow[]>`
      insert into creators (id, user_id, handle, display_name)
      values (${c.id}, ${c.userId}, ${c.handle}, ${c.displayName})
      returning ${sql(COLUMNS)}`
    return row
  } catch (err) {
    translateConstraint(err, {
      creators_user_id_key: ['ALREADY_A_CREATOR', 'The caller already has a creator profile'],
      creators_handle_key: ['HANDLE_TAKEN', 'That handle is taken'],
    })
  }
}

export async function findCreator(sql: Tx, id: string): Promise<CreatorRow | undefined> {
  const [row] = await sql<CreatorRow[]>`select ${sql(COLUMNS)} from creators where id = ${id}`
  return row
}

export async function findCreatorByUser(sql: Tx, userId: string): Promise<CreatorRow | undefined> {
  const [row] = await sql<CreatorRow[]>`select ${sql(COLUMNS)} from creators where user_id = ${userId}`
  return row
}
