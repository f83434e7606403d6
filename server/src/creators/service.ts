import type { Tx } from '../db'
import { notFound } from '../errors'
import { newId } from '../lib/ids'
import type { CreateCreatorRequest, Creator } from '../contract/schemas.gen'
import * as repo from './repo'

/** A creator's row, for features that join creators in their own SQL (follows lists them). */
export type { CreatorRow } from './repo'

/** What the creators' verbs need: the pool, or a transaction to read inside it. */
export interface CreatorsDeps {
  sql: Tx
}

/** Creating a creator also reports it (deps.ts starts a new search epoch: search answers list creators). */
export interface CreatorsWriteDeps extends CreatorsDeps {
  hooks: { creatorAdded(creatorId: string): Promise<void> }
}

export const toCreator = (r: repo.CreatorRow): Creator => ({
  id: r.id,
  userId: r.userId,
  handle: r.handle,
  displayName: r.displayName,
  followerCount: r.followerCount,
  createdAt: r.createdAt.toISOString(),
})

export async function createCreator(deps: CreatorsWriteDeps, userId: string, input: CreateCreatorRequest): Promise<Creator> {
  const creator = toCreator(await repo.insertCreator(deps.sql, { id: newId(), userId, handle: input.handle, displayName: input.displayName }))
  await deps.hooks.creatorAdded(creator.id)
  return creator
}

export async function getCreator(deps: CreatorsDeps, creatorId: string): Promise<Creator> {
  const row = await repo.findCreator(deps.sql, creatorId)
  if (!row) throw notFound('creator')
  return toCreator(row)
}

/** The creator profile of a user; null when the user is not a creator. */
export async function findCreatorByUser(deps: CreatorsDeps, userId: string): Promise<Creator | null> {
  const row = await repo.findCreatorByUser(deps.sql, userId)
  return row ? toCreator(row) : null
}
