import { Elysia } from 'elysia'
import { operations as op } from '../../contract/schemas.gen'
import { authGuard, type AuthGuardDeps } from '../../platform/auth-guard'
import { completeImageUpload, deleteProductImage, startImageUpload, type ImagesDeps } from './service'

/** The three owner operations of product images (the bytes themselves go to the storage, never through here). */
export const productImagesRoutes = (deps: ImagesDeps & AuthGuardDeps) =>
  new Elysia({ prefix: '/v1/products' })
    .use(authGuard(deps.tokens))
    .post('/:productId/images', async ({ userId, params, body, set }) => {
      const upload = await startImageUpload(deps, userId, params.productId, body)
      set.status = 201
      return upload
    }, { ...op.createProductImageUpload, auth: true })
    .post('/:productId/images/:imageId/complete', ({ userId, params }) =>
      completeImageUpload(deps, userId, params.productId, params.imageId), { ...op.completeProductImage, auth: true })
    .delete('/:productId/images/:imageId', async ({ userId, params, set }) => {
      await deleteProductImage(deps, userId, params.productId, params.imageId)
      set.status = 204
    }, { ...op.deleteProductImage, auth: true })
