import type { Tx } from '../db'
import { AppError } from '../errors'

export interface CreatorRow {
  id: string
  userId: string
  handle: string
  displayName: string
  followerCount: number
  createdAt: Date
}

export async function insertCreator(sql: Tx, c: { id: string; userId: string; handle: string; displayName: string }): Promise<CreatorRow> {
  try {
    const [row] = await sql<CreatorRow[]>`
      insert into creators (id, user_id, handle, display_name)
      values (${c.id}, ${c.userId}, ${c.handle}, ${c.displayName})
      returning *`
    return row
  } catch (err: any) {
    if (err?.code === '23505' && err.constraint_name === 'creators_user_id_key') throw new AppError('ALREADY_A_CREATOR', 'The caller already has a creator profile')
    if (err?.code === '23505' && err.constraint_name === 'creators_handle_key') throw new AppError('HANDLE_TAKEN', 'That handle is taken')
    throw err
  }
}

export async function findCreator(sql: Tx, id: string): Promise<CreatorRow | undefined> {
  const [row] = await sql<CreatorRow[]>`select * from creators where id = ${id}`
  return row
}

export async function findCreatorByUser(sql: Tx, userId: string): Promise<CreatorRow | undefined> {
  const [row] = await sql<CreatorRow[]>`select * from creators where user_id = ${userId}`
  return row
}
