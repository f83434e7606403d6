import type { Tx } from '../db'
import { AppError, notFound } from '../errors'
import { newId } from '../lib/ids'
import { decodeCursor, toPage, type Page } from '../lib/pagination'
import type { CreateProductRequest, Product, UpdateProductRequest } from '../contract/schemas.gen'
import type { CreatorsService } from '../creators/service'
import * as repo from './repo'

export interface ProductsService {
  create(userId: string, input: CreateProductRequest): Promise<Product>
  get(productId: string): Promise<Product>
  update(userId: string, productId: string, patch: UpdateProductRequest): Promise<Product>
  list(q: { creatorId?: string; limit: number; cursor?: string }): Promise<Page<Product>>
}

export const toProduct = (r: repo.ProductRow): Product => ({
  id: r.id,
  creatorId: r.creatorId,
  title: r.title,
  description: r.description,
  priceCents: r.priceCents,
  currency: r.currency,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

export function createProductsService(deps: { sql: Tx; creators: CreatorsService }): ProductsService {
  const { sql } = deps
  return {
    async create(userId, input) {
      const creator = await deps.creators.findByUser(userId)
      if (!creator) throw new AppError('NOT_A_CREATOR', 'Only creators can add products; become one with POST /v1/creators')
      const row = await repo.insertProduct(sql, {
        id: newId(),
        creatorId: creator.id,
        title: input.title,
        description: input.description ?? '',
        priceCents: input.priceCents,
        currency: input.currency,
      })
      return toProduct(row)
    },
    async get(productId) {
      const row = await repo.findProduct(sql, productId)
      if (!row) throw notFound('product')
      return toProduct(row)
    },
    async update(userId, productId, patch) {
      const [row, creator] = await Promise.all([repo.findProduct(sql, productId), deps.creators.findByUser(userId)])
      if (!row) throw notFound('product')
      if (!creator || creator.id !== row.creatorId) throw new AppError('FORBIDDEN', 'Only the product owner can change it')
      const updated = await repo.updateProduct(sql, productId, patch)
      if (!updated) throw notFound('product')
      return toProduct(updated)
    },
    async list(q) {
      const after = decodeCursor(q.cursor, ['uuid'])
      const rows = await repo.listProducts(sql, { creatorId: q.creatorId, after, limit: q.limit })
      return toPage(rows, q.limit, toProduct, (r) => [r.id])
    },
  }
}
