import type { Sql, Tx } from '../../db'
import type { ImagesConfig } from '../../config'
import type { Logger } from '../../logger'
import { findCreatorByUser } from '../../creators/service'
import type { CreateImageUploadRequest, ImageUpload, ProductImage } from '../../contract/schemas.gen'
import { AppError, notFound } from '../../errors'
import { newId } from '../../lib/ids'
import { findProduct } from '../repo'
import * as repo from './repo'
import { inspectImage, renderVariants, VARIANT_SIDES, type VariantName } from './process'
import { uploadKey, variantKey, type ObjectStore } from './storage'

/** What the image verbs need: the pool, the storage and its limits (deps.images), and the hook they report through. */
export interface ImagesDeps {
  sql: Sql
  log: Logger
  images: { store: ObjectStore; config: ImagesConfig }
  hooks: {
    /** A product's images changed: its cached copies must go (images are not in search answers). */
    productImagesChanged(productId: string): void
  }
}

/** An upload whose URL has expired is swept this long after: a PUT that began in time may still be arriving. */
export const ABANDON_GRACE_SEC = 300

/** Images belong to the product's creator; for anybody else the product is "not found" (no existence leak). */
async function ownedProduct(deps: ImagesDeps, userId: string, productId: string) {
  const [product, creator] = await Promise.all([findProduct(deps.sql, productId), findCreatorByUser(deps, userId)])
  if (!product || !creator || creator.id !== product.creatorId) throw notFound('product')
  return product
}

async function ownedImage(deps: ImagesDeps, userId: string, productId: string, imageId: string) {
  await ownedProduct(deps, userId, productId)
  const row = await repo.findImage(deps.sql, productId, imageId)
  if (!row) throw notFound('image')
  return row
}

const fileKeys = (row: Pick<repo.ImageRow, 'id' | 'files'>) =>
  Object.values(row.files ?? {}).flatMap((v) => [variantKey(row.id, v.webp), variantKey(row.id, v.avif)])

export function toProductImage(store: ObjectStore, r: repo.ImageRow): ProductImage {
  const files = r.files!
  const source = (v: VariantName) => ({
    width: files[v].width,
    height: files[v].height,
    webp: store.publicUrl(variantKey(r.id, files[v].webp)),
    avif: store.publicUrl(variantKey(r.id, files[v].avif)),
  })
  const sources = { thumb: source('thumb'), display: source('display') }
  return {
    id: r.id,
    productId: r.productId,
    width: r.width!,
    height: r.height!,
    variants: { thumb: sources.thumb.webp, display: sources.display.webp },
    sources,
    createdAt: r.createdAt.toISOString(),
  }
}

/** The attached images of each product (for product responses). */
export async function imagesOfProducts(deps: { sql: Tx; images: Pick<ImagesDeps['images'], 'store'> }, productIds: string[]): Promise<Map<string, ProductImage[]>> {
  const out = new Map<string, ProductImage[]>(productIds.map((id) => [id, []]))
  for (const row of await repo.readyImagesOf(deps.sql, productIds)) out.get(row.productId)!.push(toProductImage(deps.images.store, row))
  return out
}

/** Step 1: reserve the image and sign the upload. */
export async function startImageUpload(deps: ImagesDeps, userId: string, productId: string, input: CreateImageUploadRequest): Promise<ImageUpload> {
  await ownedProduct(deps, userId, productId)
  const { maxBytes, maxPerProduct, uploadTtlSec } = deps.images.config
  if (input.size !== undefined && input.size > maxBytes) {
    throw new AppError('IMAGE_TOO_LARGE', `Images may be at most ${maxBytes} bytes; this one is ${input.size}`, { extra: { maxBytes } })
  }
  const id = newId()
  const key = uploadKey(id)
  // Whole seconds: both kinds of signed URL carry the expiry in seconds.
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + uploadTtlSec) * 1000)
  // Signed before the row exists: signing needs no I/O, and a failure then leaves nothing behind.
  const put = await deps.images.store.presignPut(key, { contentType: input.contentType, size: input.size, maxBytes, expiresAt })
  const row = await repo.insertPendingImage(deps.sql, {
    id, productId, contentType: input.contentType, declaredSize: input.size ?? null, uploadKey: key, uploadExpiresAt: expiresAt,
  }, maxPerProduct)
  if (!row) throw new AppError('IMAGE_LIMIT_REACHED', `A product has at most ${maxPerProduct} images (uploads in progress included)`)
  return { imageId: id, uploadUrl: put.url, uploadMethod: 'PUT', uploadHeaders: put.headers, expiresAt: expiresAt.toISOString(), maxBytes: input.size ?? maxBytes }
}

/**
 * Step 3: verify what arrived, render the variants, attach. Any refusal deletes the upload and its reservation:
 * nothing is attached and nothing stays in storage.
 */
export async function completeImageUpload(deps: ImagesDeps, userId: string, productId: string, imageId: string): Promise<ProductImage> {
  const row = await ownedImage(deps, userId, productId, imageId)
  if (row.status === 'ready') return toProductImage(deps.images.store, row)
  const refuse = async (err: AppError): Promise<never> => {
    await deps.images.store.delete([row.uploadKey])
    await repo.deletePendingImage(deps.sql, row.id)
    throw err
  }
  const head = await deps.images.store.head(row.uploadKey)
  if (!head) {
    if (row.uploadExpiresAt.getTime() > Date.now()) {
      throw new AppError('IMAGE_NOT_UPLOADED', `Nothing has been uploaded yet; PUT the bytes to the upload URL before ${row.uploadExpiresAt.toISOString()}`)
    }
    return refuse(new AppError('IMAGE_UPLOAD_EXPIRED', 'The upload URL expired before anything was uploaded; start a new upload'))
  }
  const { maxBytes, maxPixels } = deps.images.config
  // The object's own length first: it is read into memory only when it is within the limit.
  if (head.size > maxBytes) return refuse(new AppError('IMAGE_TOO_LARGE', `Images may be at most ${maxBytes} bytes; the upload has ${head.size}`, { extra: { maxBytes } }))
  if (head.contentType !== undefined && head.contentType.split(';')[0].trim().toLowerCase() !== row.contentType) {
    return refuse(new AppError('IMAGE_TYPE_MISMATCH', `The upload was stored as ${head.contentType}, not the declared ${row.contentType}`))
  }
  const bytes = await deps.images.store.read(row.uploadKey)
  // Replaced between the two reads (the URL is still valid): the bytes read are what counts.
  if (!bytes || bytes.byteLength > maxBytes) return refuse(new AppError('IMAGE_TOO_LARGE', `Images may be at most ${maxBytes} bytes`, { extra: { maxBytes } }))
  if (row.declaredSize !== null && bytes.byteLength !== row.declaredSize) {
    return refuse(new AppError('IMAGE_SIZE_MISMATCH', `The upload has ${bytes.byteLength} bytes, not the declared ${row.declaredSize}`))
  }
  let size: { width: number; height: number }
  let rendered: Awaited<ReturnType<typeof renderVariants>>
  try {
    size = await inspectImage(bytes, row.contentType, maxPixels)
    rendered = await renderVariants(bytes, maxPixels)
  } catch (err) {
    if (err instanceof AppError) return refuse(err)
    throw err
  }
  const files = Object.fromEntries(Object.keys(VARIANT_SIDES).map((v) => {
    const of = rendered.filter((f) => f.variant === v)
    const webp = of.find((f) => f.format === 'webp')!
    return [v, { width: webp.width, height: webp.height, webp: webp.name, avif: of.find((f) => f.format === 'avif')!.name }]
  })) as repo.ImageFiles
  const written = rendered.map((f) => variantKey(row.id, f.name))
  await Promise.all(rendered.map((f) => deps.images.store.put(variantKey(row.id, f.name), f.body, `image/${f.format}`)))
  const attached = await repo.attachImage(deps.sql, row.id, { ...size, files })
  if (!attached) {
    // Lost a race: another completion attached it first (same bytes → same content-addressed names), or it was
    // deleted meanwhile. Whatever this call wrote and the winner does not use goes.
    const now = await repo.findImage(deps.sql, productId, imageId)
    const kept = new Set(now ? fileKeys(now) : [])
    await deps.images.store.delete(written.filter((k) => !kept.has(k)))
    if (now?.status === 'ready') return toProductImage(deps.images.store, now)
    throw notFound('image')
  }
  // The original keeps the uploader's metadata (EXIF GPS among it): it goes now that the variants exist.
  await deps.images.store.delete([row.uploadKey]).catch((err) => deps.log.warn({ err, imageId }, 'images: original upload not deleted; the sweep will retry'))
  deps.hooks.productImagesChanged(productId)
  return toProductImage(deps.images.store, attached)
}

/**
 * Detaches an image (or abandons an upload) and deletes its files. The row goes in a transaction that commits
 * only once the files are gone: a storage failure leaves the image as it was (retry), never half deleted rows.
 */
export async function deleteProductImage(deps: ImagesDeps, userId: string, productId: string, imageId: string): Promise<void> {
  await ownedProduct(deps, userId, productId)
  const deleted = await deps.sql.begin(async (tx) => {
    const row = await repo.deleteImage(tx, productId, imageId)
    if (row) await deps.images.store.delete([row.uploadKey, ...fileKeys(row)])
    return row
  })
  if (!deleted) throw notFound('image')
  if (deleted.status === 'ready') deps.hooks.productImagesChanged(productId)
}

/** The local upload route asks this before it stores a byte: only a pending upload takes bytes. */
export const acceptsUpload = (deps: Pick<ImagesDeps, 'sql'>, imageId: string) => repo.isPending(deps.sql, imageId)

/**
 * Maintenance sweep: uploads never completed, whose URL expired more than ABANDON_GRACE_SEC ago. Their bytes go
 * first, then the rows: a failure in between leaves the row for the next pass, never an unreferenced object.
 */
export async function sweepAbandonedUploads(deps: { images: Pick<ImagesDeps['images'], 'store'> }, sql: Parameters<typeof repo.abandonedUploads>[0], batch: number): Promise<number> {
  const rows = await repo.abandonedUploads(sql, ABANDON_GRACE_SEC, batch)
  if (rows.length === 0) return 0
  await deps.images.store.delete(rows.map((r) => r.uploadKey))
  return repo.deletePendingImages(sql, rows.map((r) => r.id))
}
