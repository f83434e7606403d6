import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testConfig, testPort } from '../../server/test/helpers'
import { photo } from '../../server/test/images'
import { createSdkContext } from '../test/helpers'
import { buildSdk, sdkDir } from '../test/build'

/**
 * uploadProductImage: the three steps in one call, in Bun against the app in-process and, built, in Node 20
 * against the server over HTTP (a file opened with fs.openAsBlob). The embedded default storage (a folder).
 */
const dir = mkdtempSync(join(tmpdir(), 'livedrop-sdk-images-'))
const port = testPort(3621)
const base = testConfig()
const t = createSdkContext({ publicUrl: `http://127.0.0.1:${port}`, images: { ...base.images, maxPerProduct: 3, storage: { kind: 'local', dir } } })
let server: ReturnType<typeof Bun.serve> | undefined

afterAll(async () => {
  server?.stop(true)
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

async function product() {
  const c = await t.creator()
  const p = await c.ld.POST('/v1/products', { body: { title: 'Mug', priceCents: 1200, currency: 'EUR' } })
  return { ld: c.ld, productId: p.data!.id }
}
const imagesOf = async (productId: string) => [...(await t.deps.sql`select id, status from product_images where product_id = ${productId}`)]

describe('uploadProductImage in Bun', () => {
  test('a Blob with its type and one without (typed from its bytes) both end up on the product', async () => {
    const { ld, productId } = await product()
    const jpeg = await photo(800, 600)
    const first = await ld.uploadProductImage(productId, new Blob([jpeg], { type: 'image/jpeg' }))
    expect(first.error).toBeUndefined()
    expect(first.response.status).toBe(200)
    expect(first.data).toMatchObject({ productId, width: 800, height: 600 })
    const second = await ld.uploadProductImage(productId, new Blob([await photo(300, 300, { format: 'png' })]))
    expect(second.data).toMatchObject({ width: 300, height: 300 })
    const got = await ld.GET('/v1/products/{productId}', { params: { path: { productId } } })
    expect(got.data!.images.map((i) => i.id)).toEqual([first.data!.id, second.data!.id])
    // The presigned PUT carried no credentials: the token stays with the API.
    const put = t.requests.find((r) => r.method === 'PUT' && r.url.includes(first.data!.id))!
    expect(put.headers.get('authorization')).toBeNull()
    expect(put.headers.get('content-type')).toBe('image/jpeg')
  })

  test('refusals are values: a declared type the bytes contradict is 415, and nothing stays reserved', async () => {
    const { ld, productId } = await product()
    const res = await ld.uploadProductImage(productId, new Blob([await photo(100, 100)]), { contentType: 'image/png' })
    expect(res.data).toBeUndefined()
    expect(res.response.status).toBe(415)
    expect(res.error!.code).toBe('IMAGE_TYPE_MISMATCH')
    expect(await imagesOf(productId)).toEqual([])
    const notMine = await (await t.creator()).ld.uploadProductImage(productId, new Blob([await photo(100, 100)], { type: 'image/jpeg' }))
    expect(notMine.error!.code).toBe('NOT_FOUND')
  })

  test('something that is no image at all is refused before anything is sent', async () => {
    const { ld, productId } = await product()
    const before = t.requests.length
    await expect(ld.uploadProductImage(productId, new Blob(['hello'], { type: 'text/plain' }))).rejects.toThrow(TypeError)
    expect(t.requests.length).toBe(before)
  })

  test('a storage refusal (an S3 XML error) maps to the contract\'s code, and the reservation is abandoned', async () => {
    const owner = await t.creator()
    const { data: p } = await owner.ld.POST('/v1/products', { body: { title: 'Cap', priceCents: 900, currency: 'EUR' } })
    // The storage answers as S3 does past X-Amz-Expires.
    const s3Expired = async (input: Request, init?: RequestInit) => {
      const req = new Request(input, init)
      if (req.method === 'PUT') {
        return new Response('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { status: 403, headers: { 'content-type': 'application/xml' } })
      }
      return t.fetch(req)
    }
    const ld = t.sdk({ fetch: s3Expired, tokens: owner.ld.tokens })
    const res = await ld.uploadProductImage(p!.id, new Blob([await photo(100, 100)], { type: 'image/jpeg' }))
    expect(res.response.status).toBe(403)
    expect(res.error).toMatchObject({ status: 403, code: 'UPLOAD_URL_EXPIRED', detail: 'Request has expired' })
    expect(await imagesOf(p!.id)).toEqual([])
  })

  test('the product\'s image limit comes back as IMAGE_LIMIT_REACHED', async () => {
    const { ld, productId } = await product()
    const blob = new Blob([await photo(64, 64)], { type: 'image/jpeg' })
    for (let i = 0; i < 3; i++) expect((await ld.uploadProductImage(productId, blob)).response.status).toBe(200)
    const fourth = await ld.uploadProductImage(productId, blob)
    expect(fourth.error).toMatchObject({ status: 409, code: 'IMAGE_LIMIT_REACHED' })
  })
})

describe('uploadProductImage in Node', () => {
  beforeAll(async () => {
    await buildSdk()
    server = Bun.serve({ port, hostname: '127.0.0.1', idleTimeout: 0, maxRequestBodySize: Number.MAX_SAFE_INTEGER, fetch: (req) => t.app.handle(req) })
  }, 120_000)

  test('the built package uploads a file opened with fs.openAsBlob', async () => {
    const c = await t.creator()
    const { data: p } = await c.ld.POST('/v1/products', { body: { title: 'Tote', priceCents: 2500, currency: 'EUR' } })
    const file = join(dir, 'photo.jpg')
    writeFileSync(file, await photo(1024, 768))
    const script = `
import { createLiveDrop } from '@livedrop/sdk'
import { openAsBlob } from 'node:fs'
const [baseUrl, access, refresh, productId, file] = process.argv.slice(-5)
const ld = createLiveDrop({ baseUrl, tokens: { accessToken: access, refreshToken: refresh } })
const res = await ld.uploadProductImage(productId, await openAsBlob(file))
const thumb = await fetch(res.data.variants.thumb)
console.log(JSON.stringify({ status: res.response.status, image: res.data, thumb: thumb.status, type: thumb.headers.get('content-type') }))
`
    const proc = Bun.spawn(['node', '--input-type=module', '-e', script, `http://127.0.0.1:${port}`, c.ld.tokens!.accessToken, c.ld.tokens!.refreshToken, p!.id, file], { cwd: sdkDir, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(err).toBe('')
    expect(code).toBe(0)
    const r = JSON.parse(out)
    expect(r).toMatchObject({ status: 200, image: { productId: p!.id, width: 1024, height: 768 }, thumb: 200, type: 'image/webp' })
    expect(r.image.variants.thumb.startsWith(`http://127.0.0.1:${port}/media/images/${r.image.id}/thumb-`)).toBe(true)
  }, 60_000)
})
