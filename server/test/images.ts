import { expect } from 'bun:test'
import sharp from 'sharp'
import type { Api } from './helpers'

/** A photo as a phone writes it: a JPEG with EXIF, GPS position among it, and optionally an orientation tag. */
export async function photo(width = 640, height = 480, opts: { orientation?: number; format?: 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 30 } } })
    .composite([{ input: { create: { width: Math.max(1, width >> 2), height: Math.max(1, height >> 2), channels: 3, background: '#0a5' } }, left: 0, top: 0 }])
  const format = opts.format ?? 'jpeg'
  const withMeta = img.withExif({
    IFD0: { Make: 'LiveDropTestCam', Model: 'Secret Model 9' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' },
  })
  // The orientation tag is sharp's own option (withExif does not write it).
  const oriented = opts.orientation ? withMeta.withMetadata({ orientation: opts.orientation }) : withMeta
  const out = format === 'jpeg' ? oriented.jpeg() : format === 'png' ? oriented.png() : format === 'webp' ? oriented.webp() : format === 'avif' ? oriented.avif() : oriented.gif()
  return new Uint8Array(await out.toBuffer())
}

/** The path and query of an absolute URL (the in-process app takes any host). */
export const local = (url: string) => {
  const u = new URL(url)
  return u.pathname + u.search
}

/** Steps 1 and 2 through the API and the local storage's upload route. → the upload answer and the PUT's status. */
export async function startAndPut(api: Api, token: string, productId: string, bytes: Uint8Array<ArrayBuffer>, o: { contentType?: string; declare?: boolean; putType?: string } = {}) {
  const contentType = o.contentType ?? 'image/jpeg'
  const start = await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType, ...(o.declare === false ? {} : { size: bytes.byteLength }) } })
  expect(start.status).toBe(201)
  const put = await api('PUT', local(start.body.uploadUrl), { rawBody: bytes, headers: { ...start.body.uploadHeaders, ...(o.putType ? { 'Content-Type': o.putType } : {}) } })
  return { start: start.body as { imageId: string; uploadUrl: string; uploadHeaders: Record<string, string>; expiresAt: string; maxBytes: number }, put }
}

/** Whether decoded image bytes carry any metadata block at all (EXIF, XMP, IPTC). */
export async function metadataOf(bytes: Uint8Array) {
  const m = await sharp(bytes).metadata()
  return { format: m.format, width: m.width, height: m.height, exif: m.exif, xmp: m.xmp, iptc: m.iptc, orientation: m.orientation }
}
