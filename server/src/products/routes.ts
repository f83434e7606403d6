import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { authGuard } from '../auth/plugin'
import type { TokenService } from '../auth/tokens'
import type { ProductsService } from './service'

export const productsRoutes = (products: ProductsService, tokens: TokenService) =>
  new Elysia({ prefix: '/v1/products' })
    .use(authGuard(tokens))
    .post('', async ({ userId, body, set }) => {
      set.status = 201
      return products.create(userId, body)
    }, { ...op.createProduct, auth: true })
    .get('', ({ query }) => products.list({ creatorId: query.creatorId, limit: query.limit ?? 20, cursor: query.cursor }), op.listProducts)
    .get('/:productId', ({ params }) => products.get(params.productId), op.getProduct)
    .patch('/:productId', ({ userId, params, body }) => products.update(userId, params.productId, body), { ...op.updateProduct, auth: true })
