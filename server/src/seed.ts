import type { Deps } from './deps'
import * as authRepo from './auth/repo'
import { register } from './auth/service'
import { createCreator, findCreatorByUser } from './creators/service'
import { createProduct, listProducts } from './products/service'
import { createDrop, listDrops } from './drops/service'

export const DEMO = { email: 'demo@livedrop.local', password: 'livedrop-demo', username: 'demo', handle: 'demo' }

/** Demo data for the zero set-up start: a creator with a product and a drop. Does nothing when it already exists. */
export async function seedDemo(deps: Deps): Promise<{ email: string; password: string; creatorId: string; productId: string; dropId: string; dropStatus: string; dropStartsAt: string }> {
  const existing = await authRepo.findUserByEmail(deps.sql, DEMO.email)
  const userId = existing ? existing.id : (await register(deps, { username: DEMO.username, email: DEMO.email, password: DEMO.password })).user.id
  const creator = (await findCreatorByUser(deps, userId)) ?? (await createCreator(deps, userId, { handle: DEMO.handle, displayName: 'Demo Creator' }))
  const page = await listProducts(deps, { creatorId: creator.id, limit: 1 })
  const product = page.items[0] ?? (await createProduct(deps, userId, {
    title: 'Demo sneaker', description: 'A limited run to try LiveDrop with.', priceCents: 12900, currency: 'EUR',
  }))
  // A drop that goes live two minutes after start, unless the demo creator already has one coming or running.
  const upcoming = [...(await listDrops(deps, { creatorId: creator.id, status: 'scheduled', limit: 1 })).items, ...(await listDrops(deps, { creatorId: creator.id, status: 'live', limit: 1 })).items]
  const drop = upcoming[0] ?? (await createDrop(deps, userId, {
    productId: product.id, startsAt: new Date(Date.now() + 120_000).toISOString(), initialStock: 100, perUserLimit: 2, lowStockThreshold: 10,
  }))
  return { email: DEMO.email, password: DEMO.password, creatorId: creator.id, productId: product.id, dropId: drop.id, dropStatus: drop.status, dropStartsAt: drop.startsAt }
}
