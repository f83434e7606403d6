import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../platform/auth-guard'
import type { TokenService } from '../platform/tokens'
import type { ProductsService } from './service'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'

export const productsRoutes = (products: ProductsService, tokens: TokenService, cache: Cache) =>
  new Elysia({ prefix: '/v1/products' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return products.create(userId, body)
    }, { ...op.createProduct, auth: true })
    .get('', ({ query }) => products.list({ creatorId: query.creatorId, limit: query.limit ?? 20, cursor: query.cursor }), op.listProducts)
    .get('/:productId', async ({ params, request }) =>
      entryResponse(await cache.get(CACHED.product, cacheKeys.product(params.productId), () => products.get(params.productId)), request), op.getProduct)
    .patch('/:productId', async ({ userId, params, body }) => {
      const updated = await products.update(userId, params.productId, body)
      await cache.invalidate(cacheKeys.product(params.productId))
      return updated
    }, { ...op.updateProduct, auth: true })
