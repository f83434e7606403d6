import type { Tx } from '../db'
import { notFound } from '../errors'
import { newId } from '../lib/ids'
import type { CreateCreatorRequest, Creator } from '../contract/schemas.gen'
import * as repo from './repo'

/** A creator's row, for features that join creators in their own SQL (follows lists them). */
export type { CreatorRow } from './repo'

export interface CreatorsService {
  create(userId: string, input: CreateCreatorRequest): Promise<Creator>
  get(creatorId: string): Promise<Creator>
  findByUser(userId: string, tx?: Tx): Promise<Creator | null>
}

export const toCreator = (r: repo.CreatorRow): Creator => ({
  id: r.id,
  userId: r.userId,
  handle: r.handle,
  displayName: r.displayName,
  followerCount: r.followerCount,
  createdAt: r.createdAt.toISOString(),
})

export function createCreatorsService(deps: { sql: Tx }): CreatorsService {
  return {
    async create(userId, input) {
      return toCreator(await repo.insertCreator(deps.sql, { id: newId(), userId, handle: input.handle, displayName: input.displayName }))
    },
    async get(creatorId) {
      const row = await repo.findCreator(deps.sql, creatorId)
      if (!row) throw notFound('creator')
      return toCreator(row)
    },
    async findByUser(userId, tx = deps.sql) {
      const row = await repo.findCreatorByUser(tx, userId)
      return row ? toCreator(row) : null
    },
  }
}
