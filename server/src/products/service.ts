import type { Tx } from '../db'
import { AppError, notFound } from '../errors'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { CreateProductRequest, Product, ProductImage, UpdateProductRequest } from '../contract/schemas.gen'
import { findCreatorByUser } from '../creators/service'
import { imagesOfProducts, type ImagesDeps } from './images/service'
import * as repo from './repo'
import { FIELD_DEFAULTS } from '../contract/vocabulary.gen'

/** What the products' verbs need: the pool and where the products' attached images are read from. */
export interface ProductsDeps {
  sql: Tx
  images: Pick<ImagesDeps['images'], 'store'>
}

/** A product written is reported (deps.ts drops its cached copies and starts a new search epoch). */
export interface ProductsWriteDeps extends ProductsDeps {
  hooks: { productChanged(productId: string): Promise<void> }
}

export const toProduct = (r: repo.ProductRow, images: ProductImage[]): Product => ({
  id: r.id,
  creatorId: r.creatorId,
  title: r.title,
  description: r.description,
  priceCents: r.priceCents,
  currency: r.currency,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  images,
})

const withImages = async (deps: ProductsDeps, row: repo.ProductRow) =>
  toProduct(row, (await imagesOfProducts(deps, [row.id])).get(row.id) ?? [])

export async function createProduct(deps: ProductsWriteDeps, userId: string, input: CreateProductRequest): Promise<Product> {
  const creator = await findCreatorByUser(deps, userId)
  if (!creator) throw new AppError('NOT_A_CREATOR', 'Only creators can add products; become one with POST /v1/creators')
  const row = await repo.insertProduct(deps.sql, {
    id: newId(),
    creatorId: creator.id,
    title: input.title,
    description: input.description ?? FIELD_DEFAULTS.CreateProductRequest.description,
    priceCents: input.priceCents,
    currency: input.currency,
  })
  await deps.hooks.productChanged(row.id)
  return toProduct(row, [])
}

export async function getProduct(deps: ProductsDeps, productId: string): Promise<Product> {
  const row = await repo.findProduct(deps.sql, productId)
  if (!row) throw notFound('product')
  return withImages(deps, row)
}

export async function updateProduct(deps: ProductsWriteDeps, userId: string, productId: string, patch: UpdateProductRequest): Promise<Product> {
  const [row, creator] = await Promise.all([repo.findProduct(deps.sql, productId), findCreatorByUser(deps, userId)])
  if (!row) throw notFound('product')
  if (!creator || creator.id !== row.creatorId) throw new AppError('FORBIDDEN', 'Only the product owner can change it')
  const updated = await repo.updateProduct(deps.sql, productId, patch)
  if (!updated) throw notFound('product')
  await deps.hooks.productChanged(productId)
  return withImages(deps, updated)
}

export async function listProducts(deps: ProductsDeps, q: { creatorId?: string; limit: number; cursor?: string }): Promise<Page<Product>> {
  const after = decodeCursor(q.cursor, ['uuid'])
  const rows = await repo.listProducts(deps.sql, { creatorId: q.creatorId, after, limit: q.limit })
  const images = await imagesOfProducts(deps, rows.slice(0, q.limit).map((r) => r.id))
  return toPage(rows, q.limit, (r) => toProduct(r, images.get(r.id) ?? []), (r) => [r.id])
}
