import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { createTestContext, registerCreator, testConfig, testPort, type TestContext } from '../../../test/helpers'
import { metadataOf, photo } from '../../../test/images'

/**
 * Product images on S3-compatible storage: a real S3 server (s3rver, an S3 API over a folder) started by the
 * test, the server's presigned PUTs sent to it over HTTP as a browser would, and the bucket listed after every
 * refusal. s3rver checks a presigned URL's expiry but not its V4 signature, so it stores a body sent with
 * another Content-Type or length than was signed (AWS refuses those itself): what the server's /complete
 * verification does with such an object is exactly what these tests check.
 */
const port = testPort(3620)
const endpoint = `http://127.0.0.1:${port}`
const bucket = 'livedrop-media'
const dir = mkdtempSync(join(tmpdir(), 'livedrop-s3rver-'))
const s3rver = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] })
const s3 = { kind: 's3' as const, endpoint, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', publicUrl: undefined }
const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
const contexts: TestContext[] = []
function s3Context(over: Partial<ReturnType<typeof testConfig>['images']> = {}) {
  const base = testConfig()
  const c = createTestContext({ rateLimit: { ...base.rateLimit, enabled: false }, images: { ...base.images, ...over, storage: s3 } })
  contexts.push(c)
  return c
}
const ctx = s3Context()
const { api } = ctx

beforeAll(async () => {
  await s3rver.run()
})
afterAll(async () => {
  for (const c of contexts) await c.close()
  await s3rver.close()
  rmSync(dir, { recursive: true, force: true })
})

const keysOf = async (imageId: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(imageId)).sort()

async function ownerWithProduct(c: TestContext = ctx) {
  const owner = await registerCreator(c.api)
  const product = await c.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Print', priceCents: 900, currency: 'EUR' } })
  return { token: owner.accessToken, productId: product.body.id as string }
}

/** Step 1 through the API, step 2 straight to S3 over HTTP (as a browser does: the presigned URL, no credentials). */
async function startAndPut(c: TestContext, token: string, productId: string, bytes: Uint8Array<ArrayBuffer>, o: { contentType?: string; declare?: boolean; putType?: string } = {}) {
  const contentType = o.contentType ?? 'image/jpeg'
  const start = await c.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType, ...(o.declare === false ? {} : { size: bytes.byteLength }) } })
  expect(start.status).toBe(201)
  const put = await fetch(start.body.uploadUrl, { method: 'PUT', headers: { ...start.body.uploadHeaders, ...(o.putType ? { 'Content-Type': o.putType } : {}) }, body: bytes })
  return { start: start.body, put }
}

describe('S3-compatible storage', () => {
  test('the presigned PUT signs the content type and the declared length, and carries no body checksum', async () => {
    const { token, productId } = await ownerWithProduct()
    const start = await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/png', size: 1234 } })
    const url = new URL(start.body.uploadUrl)
    expect(url.origin + url.pathname).toBe(`${endpoint}/${bucket}/uploads/${start.body.imageId}`)
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host')
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThan(800)
    // A checksum of the (empty) body signed into the URL would make S3 refuse every real upload.
    expect([...url.searchParams.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([])
    expect(start.body.uploadHeaders).toEqual({ 'Content-Type': 'image/png' })
    const undeclared = await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/png' } })
    expect(new URL(undeclared.body.uploadUrl).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host')
  })

  test('upload, verify, attach: the variants are in the bucket, public and immutable; the original is gone', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start, put } = await startAndPut(ctx, token, productId, await photo(1000, 800))
    expect(put.status).toBe(200)
    const done = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ width: 1000, height: 800 })
    for (const source of Object.values<any>(done.body.sources)) {
      for (const format of ['webp', 'avif']) {
        expect(source[format].startsWith(`${endpoint}/${bucket}/images/${start.imageId}/`)).toBe(true)
        const res = await fetch(source[format])
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe(`image/${format}`)
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
        const meta = await metadataOf(new Uint8Array(await res.arrayBuffer()))
        expect([meta.width, meta.height]).toEqual([source.width, source.height])
        expect(meta.exif).toBeUndefined()
      }
    }
    expect(await keysOf(start.imageId)).toHaveLength(4)
    expect((await keysOf(start.imageId)).some((k) => k.startsWith('uploads/'))).toBe(false)
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toEqual([done.body])

    expect((await api('DELETE', `/v1/products/${productId}/images/${start.imageId}`, { token })).status).toBe(204)
    expect(await keysOf(start.imageId)).toEqual([])
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toEqual([])
  })

  describe('refused: a precise 4xx, nothing attached, nothing left in the bucket', () => {
    const refused = async (c: TestContext, token: string, productId: string, imageId: string, status: number, code: string) => {
      const res = await c.api('POST', `/v1/products/${productId}/images/${imageId}/complete`, { token })
      expect(res.status).toBe(status)
      expect(res.body.code).toBe(code)
      expect(await keysOf(imageId)).toEqual([])
      expect([...(await c.deps.sql`select id from product_images where id = ${imageId}`)]).toEqual([])
      expect((await c.api('GET', `/v1/products/${productId}`)).body.images).toEqual([])
    }

    test('an expired presigned URL: S3 refuses the PUT, /complete answers 410 IMAGE_UPLOAD_EXPIRED', async () => {
      const short = s3Context({ uploadTtlSec: 1 })
      const { token, productId } = await ownerWithProduct(short)
      const bytes = await photo(100, 100)
      const start = (await short.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: bytes.byteLength } })).body
      await Bun.sleep(Math.max(0, new Date(start.expiresAt).getTime() - Date.now()) + 1500)
      const put = await fetch(start.uploadUrl, { method: 'PUT', headers: start.uploadHeaders, body: bytes })
      expect(put.status).toBe(403)
      expect(await put.text()).toContain('Request has expired')
      await refused(short, token, productId, start.imageId, 410, 'IMAGE_UPLOAD_EXPIRED')
    })

    test('a wrong content type (stored as sent): 415 IMAGE_TYPE_MISMATCH', async () => {
      const { token, productId } = await ownerWithProduct()
      const { start, put } = await startAndPut(ctx, token, productId, await photo(100, 100), { putType: 'image/png' })
      expect(put.status).toBe(200) // s3rver does not check V4 signatures; AWS would answer 403 here
      expect(await keysOf(start.imageId)).toEqual([`uploads/${start.imageId}`])
      await refused(ctx, token, productId, start.imageId, 415, 'IMAGE_TYPE_MISMATCH')
    })

    test('an oversized upload (no size declared, so only /complete can tell): 413 IMAGE_TOO_LARGE', async () => {
      const small = s3Context({ maxBytes: 4096 })
      const { token, productId } = await ownerWithProduct(small)
      const big = await photo(1200, 900)
      expect(big.byteLength).toBeGreaterThan(4096)
      const { start, put } = await startAndPut(small, token, productId, big, { declare: false })
      expect(put.status).toBe(200)
      await refused(small, token, productId, start.imageId, 413, 'IMAGE_TOO_LARGE')
    })

    test('a body of another length than the signed one: 422 IMAGE_SIZE_MISMATCH', async () => {
      const { token, productId } = await ownerWithProduct()
      const bytes = await photo(300, 300)
      const start = (await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: bytes.byteLength - 1 } })).body
      // fetch sends the real Content-Length; s3rver stores it (AWS would refuse: content-length is signed).
      const put = await fetch(start.uploadUrl, { method: 'PUT', headers: start.uploadHeaders, body: bytes })
      expect(put.status).toBe(200)
      await refused(ctx, token, productId, start.imageId, 422, 'IMAGE_SIZE_MISMATCH')
    })

    test('a file that is not an image: 415 IMAGE_UNSUPPORTED_TYPE', async () => {
      const { token, productId } = await ownerWithProduct()
      const zip = new Uint8Array(4000)
      zip.set([0x50, 0x4b, 0x03, 0x04])
      const { start, put } = await startAndPut(ctx, token, productId, zip, { contentType: 'image/png' })
      expect(put.status).toBe(200)
      await refused(ctx, token, productId, start.imageId, 415, 'IMAGE_UNSUPPORTED_TYPE')
    })

    test('nothing uploaded yet: 409 IMAGE_NOT_UPLOADED, and the reservation stays for the real upload', async () => {
      const { token, productId } = await ownerWithProduct()
      const bytes = await photo(120, 80)
      const start = (await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: bytes.byteLength } })).body
      const early = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
      expect(early.status).toBe(409)
      expect(early.body.code).toBe('IMAGE_NOT_UPLOADED')
      expect((await fetch(start.uploadUrl, { method: 'PUT', headers: start.uploadHeaders, body: bytes })).status).toBe(200)
      expect((await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })).status).toBe(200)
    })
  })

  test('the maintenance sweep deletes an abandoned upload from the bucket', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start } = await startAndPut(ctx, token, productId, await photo(100, 100))
    expect(await keysOf(start.imageId)).toEqual([`uploads/${start.imageId}`])
    await ctx.deps.sql`update product_images set upload_expires_at = now() - interval '1 hour' where id = ${start.imageId}`
    expect((await ctx.deps.maintenance.pass()).deleted.abandoned_image_uploads).toBeGreaterThanOrEqual(1)
    expect(await keysOf(start.imageId)).toEqual([])
    expect([...(await ctx.deps.sql`select id from product_images where id = ${start.imageId}`)]).toEqual([])
  })
})
