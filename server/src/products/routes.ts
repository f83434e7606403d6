import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { createProduct, getProduct, listProducts, updateProduct, type ProductsWriteDeps } from './service'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'
import { pageOf } from '../lib/pagination'

export const productsRoutes = (deps: ProductsWriteDeps & AuthGuardDeps & { cache: Cache }) =>
  new Elysia({ prefix: '/v1/products' })
    .use(authGuard(deps.tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return createProduct(deps, userId, body)
    }, { ...op.createProduct, auth: true })
    .get('', ({ query }) => listProducts(deps, { creatorId: query.creatorId, ...pageOf(query) }), op.listProducts)
    .get('/:productId', async ({ params, request }) =>
      entryResponse(await deps.cache.get(CACHED.product, cacheKeys.product(params.productId), () => getProduct(deps, params.productId)), request), op.getProduct)
    .patch('/:productId', ({ userId, params, body }) => updateProduct(deps, userId, params.productId, body), { ...op.updateProduct, auth: true })
