import { Elysia } from 'elysia'
import { operations as op } from '../../contract/schemas.gen'
import { AppError, notFound } from '../../errors'
import type { LocalStore } from './local-store'
import { acceptsUpload, type ImagesDeps } from './service'
import { IMMUTABLE, uploadKey, variantKey } from './storage'

/** The local upload route reads its own body (image bytes, up to IMAGE_MAX_BYTES): httpBasics leaves it alone. */
export const STREAMED_BODY_PATH = /^\/uploads\/images\/[^/]+$/

const TYPES: Record<string, string> = { webp: 'image/webp', avif: 'image/avif' }

/**
 * What S3 would serve when the images live in the server's own folder: the presigned upload (checked like S3
 * checks its own: signature, expiry, the signed Content-Type and size bound) and the variants, as immutable files.
 */
export const localStorageRoutes = (deps: Pick<ImagesDeps, 'sql'>, store: LocalStore) =>
  new Elysia()
    .put('/uploads/images/:imageId', async ({ params, query, request, set }) => {
      const key = uploadKey(params.imageId)
      const grant = store.checkGrant(key, query)
      if (grant === 'invalid') throw new AppError('UPLOAD_URL_INVALID', 'The upload URL is not one this server signed (it was altered or belongs to another image)')
      if (grant === 'expired') throw new AppError('UPLOAD_URL_EXPIRED', 'The upload URL has expired; start a new upload')
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
      if (type !== query.contentType) throw new AppError('IMAGE_TYPE_MISMATCH', `Send the bytes as ${query.contentType} (the signed Content-Type), not "${type}"`)
      const tooLarge = (close: boolean) => new AppError('IMAGE_TOO_LARGE', `The upload may be at most ${query.maxBytes} bytes`, {
        extra: { maxBytes: query.maxBytes }, ...(close ? { headers: { connection: 'close' } } : {}),
      })
      if (Number(request.headers.get('content-length') ?? 0) > query.maxBytes) throw tooLarge(true)
      if (!(await acceptsUpload(deps, params.imageId))) throw notFound('upload')
      if ((await store.receive(key, request.body, query.maxBytes)) === 'too-large') throw tooLarge(true)
      set.status = 204
    }, op.putLocalImageUpload)
    .get('/media/images/:imageId/:file', async ({ params, request }) => {
      const file = await store.file(variantKey(params.imageId, params.file))
      if (!file) throw notFound('image file')
      // The name carries the content hash: it is the strong validator, and the answer never changes.
      const etag = `"${params.file.replace(/^[a-z]+-([0-9a-f]+)\..*$/, '$1')}"`
      const headers = { etag, 'cache-control': IMMUTABLE }
      if (request.headers.get('if-none-match')?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return new Response(null, { status: 304, headers })
      return new Response(file, { headers: { ...headers, 'content-type': TYPES[params.file.split('.').pop()!] } })
    }, op.getLocalImageFile)
