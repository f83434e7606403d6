import type { Client } from 'openapi-fetch'
import type { components, paths } from './schema.js'
import { isProblem, type Problem } from './errors.js'
import type { FetchLike } from './session.js'

export type ProductImage = components['schemas']['ProductImage']
export type ImageContentType = components['schemas']['ImageContentType']

export interface UploadProductImageOptions {
  /** The image's type; by default the Blob's own `type` when it is an accepted one, else read from its first bytes. */
  contentType?: ImageContentType
  signal?: AbortSignal
}

export type UploadProductImageResult =
  | { data: ProductImage; error?: undefined; response: Response }
  | { data?: undefined; error: Problem; response: Response }

const ACCEPTED: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']

/**
 * A guess from the magic numbers, only to fill in the declared type when the Blob has none (a File from a
 * picker usually has one); the server checks the bytes itself either way.
 */
async function sniff(blob: Blob): Promise<ImageContentType | undefined> {
  const b = new Uint8Array(await blob.slice(0, 16).arrayBuffer())
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to))
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  if (ascii(4, 8) === 'ftyp' && /^avi[fs]$/.test(ascii(8, 12))) return 'image/avif'
  if (ascii(0, 4) === 'GIF8') return 'image/gif'
  return undefined
}

/** What an object store's refusal (S3 answers XML, not problem+json) means in the contract's vocabulary. */
async function uploadProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '')
  try {
    const body: unknown = JSON.parse(text)
    if (isProblem(body)) return body
  } catch {
    // not JSON: an S3 error document
  }
  const s3Code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1]
  const s3Message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1]
  const code = /expired/i.test(s3Message ?? '') ? 'UPLOAD_URL_EXPIRED'
    : s3Code === 'SignatureDoesNotMatch' || s3Code === 'AccessDenied' ? 'UPLOAD_URL_INVALID'
    : s3Code === 'EntityTooLarge' ? 'IMAGE_TOO_LARGE'
    // Any other refusal of the storage: the bytes did not arrive (the detail keeps the storage's own words).
    : 'IMAGE_NOT_UPLOADED'
  return { type: 'about:blank', title: 'The storage refused the upload', status: res.status, code, detail: s3Message ?? (s3Code || text.slice(0, 200)), requestId: res.headers.get('x-amz-request-id') ?? '' }
}

/**
 * The three steps of a product image in one call: reserve it (`POST …/images`), send the bytes straight to the
 * storage's presigned URL (no credentials go there), and have the server verify and attach it (`…/complete`).
 * A refused upload is abandoned on the server so that it does not hold one of the product's places.
 * HTTP refusals are values (`{ error, response }`), as with every other call.
 */
export async function uploadProductImage(
  client: Client<paths>, plainFetch: FetchLike, productId: string, file: Blob, opts: UploadProductImageOptions = {},
): Promise<UploadProductImageResult> {
  const contentType = opts.contentType ?? (ACCEPTED.includes(file.type) ? (file.type as ImageContentType) : await sniff(file))
  if (!contentType) throw new TypeError('uploadProductImage: not a JPEG, PNG, WebP, AVIF or GIF image (pass opts.contentType to send it anyway)')
  const params = { path: { productId } }
  const started = await client.POST('/v1/products/{productId}/images', { params, body: { contentType, size: file.size }, signal: opts.signal })
  if (!started.data) return { error: started.error as Problem, response: started.response }
  const { imageId, uploadUrl, uploadMethod, uploadHeaders } = started.data
  const abandon = () => client.DELETE('/v1/products/{productId}/images/{imageId}', { params: { path: { productId, imageId } } }).catch(() => undefined)
  let put: Response
  try {
    put = await plainFetch(new Request(uploadUrl, { method: uploadMethod, headers: uploadHeaders, body: file, signal: opts.signal }))
  } catch (err) {
    await abandon()
    throw err
  }
  if (!put.ok) {
    const error = await uploadProblem(put)
    await abandon()
    return { error, response: put }
  }
  await put.body?.cancel().catch(() => undefined)
  const done = await client.POST('/v1/products/{productId}/images/{imageId}/complete', { params: { path: { productId, imageId } }, signal: opts.signal })
  if (!done.data) return { error: done.error as Problem, response: done.response }
  return { data: done.data, response: done.response }
}
