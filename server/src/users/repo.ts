import type { Tx } from '../db'

export interface UserRow {
  id: string
  username: string
  email: string
  createdAt: Date
}

export async function findUser(sql: Tx, id: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select id, username, email, created_at from users where id = ${id}`
  return row
}
