/** What setup() seeds for each scenario; returned data goes to every VU (k6 copies it). */
import { rushPlan, type RateShape, type SeedData } from '../../workloads.ts'
import { createCreator, createDrop, createProduct, registerMany, waitLive, type Session } from './api.ts'

export interface CatalogSeed extends SeedData {
  creatorToken: string
}

export function seedCatalog(runId: string): CatalogSeed {
  const { token, creatorId } = createCreator(runId)
  const productIds: string[] = []
  for (let i = 0; i < 5; i++) productIds.push(createProduct(token, i))
  const drops = [0, 1, 2].map((i) => createDrop(token, { productId: productIds[i]!, initialStock: 1000, startsInSec: 3 }))
  for (const d of drops) waitLive(d.id, d.startsAt)
  return { creatorId, creatorToken: token, productIds, dropIds: drops.map((d) => d.id) }
}

export interface RushSeed {
  runId: string
  dropId: string
  startsAt: string
  creatorToken: string
  buyers: Session[]
  initialStock: number
  perUserLimit: number
}

/** Buyers and a hot drop that goes live `startsInSec` from now (setup waits for it unless `wait` is false). */
export function seedRush(runId: string, s: RateShape, users: number, startsInSec = 3, wait = true): RushSeed {
  const { token } = createCreator(`${runId}r`)
  const productId = createProduct(token, 0)
  const buyers = registerMany(runId, users)
  const plan = rushPlan(s, users)
  const drop = createDrop(token, { productId, ...plan, startsInSec })
  if (wait) waitLive(drop.id, drop.startsAt)
  return { runId, dropId: drop.id, startsAt: drop.startsAt, creatorToken: token, buyers, ...plan }
}
