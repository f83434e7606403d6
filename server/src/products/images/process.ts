import { createHash } from 'node:crypto'
import { fileTypeFromBuffer } from 'file-type'
import sharp from 'sharp'
import { AppError } from '../../errors'

/** The longest side WebP can encode (and a sane bound for anything uploaded as a product photo). */
export const MAX_SIDE = 16383
/** Each variant fits inside a square of this side, never enlarged. */
export const VARIANT_SIDES = { thumb: 320, display: 1600 } as const
export type VariantName = keyof typeof VARIANT_SIDES
export const FORMATS = ['webp', 'avif'] as const
export type Format = (typeof FORMATS)[number]

/** What file-type reports for each accepted upload type (an animated PNG is still a PNG to decode). */
const DETECTED: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/apng': 'image/png',
  'image/webp': 'image/webp',
  'image/avif': 'image/avif',
  'image/gif': 'image/gif',
}

/**
 * At most this many images are rendered at once per instance; the others wait their turn. Decoding a 40 MP PNG
 * holds ~120 MB and AVIF encoding takes every core: a burst of completions must queue, not exhaust the memory.
 * Hand-rolled (a counter and a FIFO of waiters) rather than a dependency for ten lines.
 */
const RENDER_SLOTS = 2
let rendering = 0
const waiting: Array<() => void> = []
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (rendering >= RENDER_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve))
  else rendering++
  try {
    return await work()
  } finally {
    // The slot passes straight to the next waiter (the count stays), or is freed.
    const next = waiting.shift()
    if (next) next()
    else rendering--
  }
}

/** Renderings running and waiting on this instance (tests; a gauge could read it). */
export const renderLoad = () => ({ running: rendering, waiting: waiting.length })

export interface RenderedFile {
  variant: VariantName
  format: Format
  width: number
  height: number
  body: Uint8Array
  /** content-addressed: the name carries a hash of the bytes */
  name: string
}

/**
 * Checks the uploaded bytes themselves (never the client's word): the type by its magic numbers, then the pixel
 * size from the header, before anything is decoded — a decompression bomb is refused by its declared size.
 * → the upright width and height.
 */
export async function inspectImage(bytes: Uint8Array, declaredType: string, maxPixels: number): Promise<{ width: number; height: number }> {
  const detected = await fileTypeFromBuffer(bytes)
  const type = detected && DETECTED[detected.mime]
  if (!type) {
    throw new AppError('IMAGE_UNSUPPORTED_TYPE', `The upload is not a JPEG, PNG, WebP, AVIF or GIF image${detected ? ` (it is ${detected.mime})` : ''}`)
  }
  if (type !== declaredType) throw new AppError('IMAGE_TYPE_MISMATCH', `The upload is ${type}, not the declared ${declaredType}`)
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>
  try {
    meta = await sharp(bytes).metadata()
  } catch {
    throw new AppError('IMAGE_UNREADABLE', `The upload starts like ${type} but cannot be read`)
  }
  if (!meta.width || !meta.height) throw new AppError('IMAGE_UNREADABLE', `The upload starts like ${type} but has no pixel size`)
  if (meta.width > MAX_SIDE || meta.height > MAX_SIDE || meta.width * meta.height > maxPixels) {
    throw new AppError('IMAGE_DIMENSIONS_OUT_OF_RANGE',
      `The image is ${meta.width}×${meta.height}: each side must be at most ${MAX_SIDE} pixels and the whole at most ${maxPixels} pixels`)
  }
  // EXIF orientations 5–8 turn the picture a quarter: what a viewer sees is then height × width.
  const quarter = (meta.orientation ?? 1) >= 5
  return quarter ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height }
}

/**
 * Renders every variant in every format. Turned upright by the EXIF orientation first, since the orientation
 * tag goes with the rest of the metadata: sharp writes none (no EXIF, GPS, XMP or IPTC) unless asked to.
 */
export const renderVariants = (bytes: Uint8Array, maxPixels: number): Promise<RenderedFile[]> => inSlot(() => render(bytes, maxPixels))

async function render(bytes: Uint8Array, maxPixels: number): Promise<RenderedFile[]> {
  const jobs = Object.entries(VARIANT_SIDES).flatMap(([variant, side]) => FORMATS.map((format) => ({ variant: variant as VariantName, side, format })))
  try {
    return await Promise.all(jobs.map(async ({ variant, side, format }) => {
      // failOn 'error': a truncated or corrupt file is refused rather than rendered half grey.
      let img = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      img = format === 'webp' ? img.webp({ quality: 82 }) : img.avif({ quality: 55, effort: 3 })
      const { data, info } = await img.toBuffer({ resolveWithObject: true })
      const hash = createHash('sha256').update(data).digest('hex').slice(0, 32)
      return { variant, format, width: info.width, height: info.height, body: new Uint8Array(data), name: `${variant}-${hash}.${format}` }
    }))
  } catch (err) {
    throw new AppError('IMAGE_UNREADABLE', 'The image data is corrupt or truncated and cannot be decoded')
  }
}
