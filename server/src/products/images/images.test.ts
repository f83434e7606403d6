import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createTestContext, registerCreator, registerUser, testConfig, type TestContext } from '../../../test/helpers'
import { local, metadataOf, photo, startAndPut } from '../../../test/images'
import { renderLoad } from './process'

/**
 * Product images with the embedded default storage (a folder of the server), end to end through the API:
 * the presigned upload route, verification of the bytes, variants, product responses, the media route,
 * deletion and the maintenance sweep. Every refusal is checked to leave nothing behind: no row, no file.
 */
const dirs: string[] = []
function imagesContext(over: Partial<ReturnType<typeof testConfig>['images']> = {}): TestContext & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'livedrop-images-'))
  dirs.push(dir)
  const base = testConfig()
  const ctx = createTestContext({ rateLimit: { ...base.rateLimit, enabled: false }, images: { ...base.images, ...over, storage: { kind: 'local', dir } } })
  return Object.assign(ctx, { dir })
}
const ctx = imagesContext()
const { api, deps } = ctx
const contexts: TestContext[] = [ctx]
afterAll(async () => {
  for (const c of contexts) await c.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Every file in a storage folder (the temporary area included: a refused upload must not linger there either). */
const filesIn = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort() : []

async function ownerWithProduct(c: TestContext = ctx) {
  const owner = await registerCreator(c.api)
  const product = await c.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Poster', priceCents: 1500, currency: 'EUR' } })
  expect(product.status).toBe(201)
  expect(product.body.images).toEqual([])
  return { owner, token: owner.accessToken, productId: product.body.id as string }
}

const rowsOf = async (productId: string) => [...(await deps.sql`select id, status from product_images where product_id = ${productId}`)]

describe('the three steps', () => {
  test('a phone photo becomes thumb and display variants in WebP and AVIF, stripped of its metadata, on the product', async () => {
    const { token, productId } = await ownerWithProduct()
    const bytes = await photo(2400, 1600)
    expect((await metadataOf(bytes)).exif?.toString('latin1')).toContain('LiveDropTestCam') // the input really carries EXIF
    const { start, put } = await startAndPut(api, token, productId, bytes)
    expect(put.status).toBe(204)
    expect(start.uploadHeaders).toEqual({ 'Content-Type': 'image/jpeg' })
    expect(start.maxBytes).toBe(bytes.byteLength)
    expect(new Date(start.expiresAt).getTime()).toBeGreaterThan(Date.now())

    const done = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(done.status).toBe(200)
    const image = done.body
    expect(image).toMatchObject({ id: start.imageId, productId, width: 2400, height: 1600 })
    expect(image.sources.thumb).toMatchObject({ width: 320, height: 213 })
    expect(image.sources.display).toMatchObject({ width: 1600, height: 1067 })
    expect(image.variants).toEqual({ thumb: image.sources.thumb.webp, display: image.sources.display.webp })

    // Every variant: served by the server as immutable, content-addressed, in its format and size, with no metadata.
    for (const [name, source] of Object.entries<any>(image.sources)) {
      for (const format of ['webp', 'avif'] as const) {
        const url: string = source[format]
        expect(url).toMatch(new RegExp(`^http://localhost:3000/media/images/${start.imageId}/${name}-[0-9a-f]{32}\\.${format}$`))
        const res = await api('GET', local(url))
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe(`image/${format}`)
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
        const etag = res.headers.get('etag')!
        expect(etag).toBe(`"${url.match(/-([0-9a-f]{32})\./)![1]}"`)
        const body = new Uint8Array(await (await deps.images.store.read(`images/${start.imageId}/${url.split('/').pop()}`))!)
        const meta = await metadataOf(body)
        expect(meta.format).toBe(format === 'avif' ? 'heif' : 'webp')
        expect([meta.width, meta.height]).toEqual([source.width, source.height])
        expect(meta.exif).toBeUndefined()
        expect(meta.xmp).toBeUndefined()
        expect(Buffer.from(body).includes('LiveDropTestCam')).toBe(false)
        expect((await api('GET', local(url), { headers: { 'if-none-match': etag } })).status).toBe(304)
      }
    }
    // The original (with its GPS position) is gone; only the four variants stay.
    expect(filesIn(ctx.dir).filter((f) => f.includes(start.imageId))).toHaveLength(4)
    expect(existsSync(join(ctx.dir, 'uploads', start.imageId))).toBe(false)

    const product = await api('GET', `/v1/products/${productId}`)
    expect(product.body.images).toEqual([image])
    const list = await api('GET', `/v1/products?creatorId=${product.body.creatorId}`)
    expect(list.body.items[0].images).toEqual([image])
    // Completing again answers the same image (a retry after a lost answer).
    const again = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(image)
  })

  test('the EXIF orientation is applied: a portrait shot stored sideways comes out upright', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start } = await startAndPut(api, token, productId, await photo(600, 400, { orientation: 6 }))
    const done = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(done.status).toBe(200)
    expect([done.body.width, done.body.height]).toEqual([400, 600])
    expect(done.body.sources.thumb).toMatchObject({ width: 213, height: 320 })
  })

  test('PNG, WebP, AVIF and GIF are accepted too; a small image is never enlarged; no declared size is fine', async () => {
    const { token, productId } = await ownerWithProduct()
    for (const format of ['png', 'webp', 'avif', 'gif'] as const) {
      const { start, put } = await startAndPut(api, token, productId, await photo(200, 100, { format }), { contentType: `image/${format}`, declare: false })
      expect(put.status).toBe(204)
      const done = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
      expect(done.status).toBe(200)
      expect(done.body.sources.display).toMatchObject({ width: 200, height: 100 })
    }
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toHaveLength(4)
  })
})

describe('who may', () => {
  test('only the owner: anybody else gets 404 at every step, without a token 401', async () => {
    const { token, productId } = await ownerWithProduct()
    const other = await registerCreator(api)
    const buyer = await registerUser(api)
    const body = { contentType: 'image/jpeg', size: 1000 }
    for (const t of [other.accessToken, buyer.accessToken]) {
      const res = await api('POST', `/v1/products/${productId}/images`, { token: t, body })
      expect(res.status).toBe(404)
      expect(res.body.code).toBe('NOT_FOUND')
    }
    expect((await api('POST', `/v1/products/${productId}/images`, { body })).status).toBe(401)
    const { start } = await startAndPut(api, token, productId, await photo(100, 100))
    for (const t of [other.accessToken, buyer.accessToken]) {
      expect((await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token: t })).status).toBe(404)
      expect((await api('DELETE', `/v1/products/${productId}/images/${start.imageId}`, { token: t })).status).toBe(404)
    }
    // Another of the owner's products does not reach this image either.
    const second = await api('POST', '/v1/products', { token, body: { title: 'Other', priceCents: 100, currency: 'EUR' } })
    expect((await api('POST', `/v1/products/${second.body.id}/images/${start.imageId}/complete`, { token })).status).toBe(404)
    expect(await rowsOf(productId)).toEqual([{ id: start.imageId, status: 'pending' }])
  })

  test('request bodies are validated: unknown content types and fields, zero sizes', async () => {
    const { token, productId } = await ownerWithProduct()
    for (const body of [{ contentType: 'image/svg+xml' }, { contentType: 'image/jpeg', size: 0 }, {}, { contentType: 'image/jpeg', status: 'ready' }]) {
      const res = await api('POST', `/v1/products/${productId}/images`, { token, body })
      expect(res.status).toBe(422)
      expect(res.body.code).toBe('VALIDATION_FAILED')
    }
    expect(await rowsOf(productId)).toEqual([])
  })
})

describe('refusals leave nothing behind', () => {
  const nothingLeft = async (productId: string, imageId: string, dir = ctx.dir) => {
    expect(await rowsOf(productId)).toEqual([])
    expect(filesIn(dir).filter((f) => f.includes(imageId) || f.startsWith('.tmp/'))).toEqual([])
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toEqual([])
  }

  test('a file that is not an image: 415 IMAGE_UNSUPPORTED_TYPE', async () => {
    const { token, productId } = await ownerWithProduct()
    const text = new TextEncoder().encode('%PDF-1.7\n'.padEnd(5000, 'x'))
    const { start, put } = await startAndPut(api, token, productId, text, { contentType: 'image/png' })
    expect(put.status).toBe(204) // the storage takes bytes; the server's check is what refuses them
    const res = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(415)
    expect(res.body.code).toBe('IMAGE_UNSUPPORTED_TYPE')
    expect(res.body.detail).toContain('application/pdf')
    await nothingLeft(productId, start.imageId)
    // The reservation is gone with it.
    expect((await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })).status).toBe(404)
  })

  test('a JPEG declared and sent as PNG: 415 IMAGE_TYPE_MISMATCH (the magic bytes decide, not the content type)', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start, put } = await startAndPut(api, token, productId, await photo(100, 100), { contentType: 'image/png' })
    expect(put.status).toBe(204)
    const res = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(415)
    expect(res.body.code).toBe('IMAGE_TYPE_MISMATCH')
    await nothingLeft(productId, start.imageId)
  })

  test('a truncated JPEG: 422 IMAGE_UNREADABLE', async () => {
    const { token, productId } = await ownerWithProduct()
    const whole = await photo(800, 600)
    const { start } = await startAndPut(api, token, productId, whole.slice(0, Math.floor(whole.byteLength / 2)))
    const res = await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('IMAGE_UNREADABLE')
    await nothingLeft(productId, start.imageId)
  })

  test('more pixels than IMAGE_MAX_PIXELS: 422 IMAGE_DIMENSIONS_OUT_OF_RANGE', async () => {
    const small = imagesContext({ maxPixels: 100 * 100 })
    contexts.push(small)
    const { token, productId } = await ownerWithProduct(small)
    const { start } = await startAndPut(small.api, token, productId, await photo(101, 100))
    const res = await small.api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('IMAGE_DIMENSIONS_OUT_OF_RANGE')
    expect(filesIn(small.dir)).toEqual([])
    expect(await rowsOf(productId)).toEqual([])
  })

  test('over IMAGE_MAX_BYTES: refused when declared (413 at step 1), and by the upload route when sent', async () => {
    const small = imagesContext({ maxBytes: 4096 })
    contexts.push(small)
    const { token, productId } = await ownerWithProduct(small)
    const declared = await small.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: 4097 } })
    expect(declared.status).toBe(413)
    expect(declared.body).toMatchObject({ code: 'IMAGE_TOO_LARGE', maxBytes: 4096 })
    const big = await photo(1200, 900)
    expect(big.byteLength).toBeGreaterThan(4096)
    // Undeclared: the URL's bound is IMAGE_MAX_BYTES, and the route refuses the body (by its length, and counted
    // when it comes without one).
    const { start, put } = await startAndPut(small.api, token, productId, big, { declare: false })
    expect(put.status).toBe(413)
    expect(put.body.code).toBe('IMAGE_TOO_LARGE')
    const chunked = new ReadableStream({ start(c) { c.enqueue(big.slice(0, 3000)); c.enqueue(big.slice(3000)); c.close() } })
    const streamed = await small.api('PUT', local(start.uploadUrl), { rawBody: chunked, headers: start.uploadHeaders })
    expect(streamed.status).toBe(413)
    expect(filesIn(small.dir)).toEqual([])
    const res = await small.api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('IMAGE_NOT_UPLOADED')
  })

  test('a declared size the bytes do not match: the upload route bounds it, /complete refuses a shorter file', async () => {
    const { token, productId } = await ownerWithProduct()
    const bytes = await photo(300, 200)
    const start = await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: bytes.byteLength + 10 } })
    const put = await api('PUT', local(start.body.uploadUrl), { rawBody: bytes, headers: start.body.uploadHeaders })
    expect(put.status).toBe(204)
    const res = await api('POST', `/v1/products/${productId}/images/${start.body.imageId}/complete`, { token })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('IMAGE_SIZE_MISMATCH')
    await nothingLeft(productId, start.body.imageId)
  })
})

describe('the local presigned upload', () => {
  test('binds content type, size and expiry: an altered URL, another type or a late upload are refused, nothing stored', async () => {
    const short = imagesContext({ uploadTtlSec: 1 })
    contexts.push(short)
    const { token, productId } = await ownerWithProduct(short)
    const bytes = await photo(100, 100)
    const start = (await short.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg', size: bytes.byteLength } })).body
    const url = new URL(start.uploadUrl)
    const altered = (name: string, value: string) => {
      const u = new URL(url)
      u.searchParams.set(name, value)
      return local(u.toString())
    }
    for (const [name, value] of [['maxBytes', String(10 * 1024 * 1024)], ['contentType', 'image/png'], ['expires', String(Number(url.searchParams.get('expires')) + 3600)], ['signature', 'A'.repeat(43)]]) {
      const res = await short.api('PUT', altered(name, value), { rawBody: bytes, headers: { 'Content-Type': name === 'contentType' ? 'image/png' : 'image/jpeg' } })
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('UPLOAD_URL_INVALID')
    }
    // Another image's URL does not write this one.
    const other = (await short.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg' } })).body
    const swapped = local(start.uploadUrl).replace(start.imageId, other.imageId)
    expect((await short.api('PUT', swapped, { rawBody: bytes, headers: { 'Content-Type': 'image/jpeg' } })).body.code).toBe('UPLOAD_URL_INVALID')
    const wrongType = await short.api('PUT', local(start.uploadUrl), { rawBody: bytes, headers: { 'Content-Type': 'image/png' } })
    expect(wrongType.status).toBe(415)
    expect(wrongType.body.code).toBe('IMAGE_TYPE_MISMATCH')
    expect(filesIn(short.dir)).toEqual([])
    // Past expiresAt (whole seconds) the URL is dead, and completing says why and ends the reservation.
    await Bun.sleep(Math.max(0, new Date(start.expiresAt).getTime() - Date.now()) + 1100)
    const late = await short.api('PUT', local(start.uploadUrl), { rawBody: bytes, headers: start.uploadHeaders })
    expect(late.status).toBe(403)
    expect(late.body.code).toBe('UPLOAD_URL_EXPIRED')
    const res = await short.api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })
    expect(res.status).toBe(410)
    expect(res.body.code).toBe('IMAGE_UPLOAD_EXPIRED')
    expect([...(await short.deps.sql`select id from product_images where id = ${start.imageId}`)]).toEqual([])
    expect(filesIn(short.dir)).toEqual([])
  })

  test('a URL is spent once the image is attached or deleted', async () => {
    const { token, productId } = await ownerWithProduct()
    const bytes = await photo(100, 100)
    const { start } = await startAndPut(api, token, productId, bytes)
    expect((await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })).status).toBe(200)
    const replay = await api('PUT', local(start.uploadUrl), { rawBody: bytes, headers: start.uploadHeaders })
    expect(replay.status).toBe(404)
    expect(existsSync(join(ctx.dir, 'uploads', start.imageId))).toBe(false)
  })
})

describe('limits and races', () => {
  test('IMAGE_MAX_PER_PRODUCT holds under concurrent starts (uploads in progress count)', async () => {
    const few = imagesContext({ maxPerProduct: 2 })
    contexts.push(few)
    const { token, productId } = await ownerWithProduct(few)
    const answers = await Promise.all(Array.from({ length: 6 }, () => few.api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/png' } })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2)
    for (const a of answers.filter((a) => a.status !== 201)) expect(a.body).toMatchObject({ status: 409, code: 'IMAGE_LIMIT_REACHED' })
    expect([...(await few.deps.sql`select id from product_images where product_id = ${productId}`)]).toHaveLength(2)
  })

  test('a burst of completions all attach, rendered at most two at a time (the others queue)', async () => {
    const { token, productId } = await ownerWithProduct()
    const started = await Promise.all(Array.from({ length: 6 }, async () => (await startAndPut(api, token, productId, await photo(1600, 1200))).start))
    const seen = { running: 0, waiting: 0 }
    let burst = true
    const sampler = (async () => {
      while (burst) {
        const load = renderLoad()
        seen.running = Math.max(seen.running, load.running)
        seen.waiting = Math.max(seen.waiting, load.waiting)
        await Bun.sleep(2)
      }
    })()
    const answers = await Promise.all(started.map((s) => api('POST', `/v1/products/${productId}/images/${s.imageId}/complete`, { token })))
    burst = false
    await sampler
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(seen.running).toBe(2)
    expect(seen.waiting).toBeGreaterThan(0)
    expect(renderLoad()).toEqual({ running: 0, waiting: 0 })
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toHaveLength(6)
  })

  test('two completions at once attach the image once, and both answer it', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start } = await startAndPut(api, token, productId, await photo(900, 600))
    const [a, b] = await Promise.all([0, 1].map(() => api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })))
    expect([a.status, b.status]).toEqual([200, 200])
    expect(a.body).toEqual(b.body)
    expect(await rowsOf(productId)).toEqual([{ id: start.imageId, status: 'ready' }])
    expect(filesIn(ctx.dir).filter((f) => f.includes(start.imageId))).toHaveLength(4)
  })
})

describe('delete and sweep', () => {
  test('DELETE removes the image and every file of it; a second DELETE is 404', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start } = await startAndPut(api, token, productId, await photo(400, 300))
    const image = (await api('POST', `/v1/products/${productId}/images/${start.imageId}/complete`, { token })).body
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toHaveLength(1)
    const res = await api('DELETE', `/v1/products/${productId}/images/${start.imageId}`, { token })
    expect(res.status).toBe(204)
    expect(filesIn(ctx.dir).filter((f) => f.includes(start.imageId))).toEqual([])
    expect(existsSync(join(ctx.dir, 'images', start.imageId))).toBe(false)
    expect((await api('GET', local(image.variants.thumb))).status).toBe(404)
    // The cached product follows at once.
    expect((await api('GET', `/v1/products/${productId}`)).body.images).toEqual([])
    expect((await api('DELETE', `/v1/products/${productId}/images/${start.imageId}`, { token })).status).toBe(404)
  })

  test('DELETE of an upload in progress abandons it with its bytes', async () => {
    const { token, productId } = await ownerWithProduct()
    const { start } = await startAndPut(api, token, productId, await photo(100, 100))
    expect(existsSync(join(ctx.dir, 'uploads', start.imageId))).toBe(true)
    expect((await api('DELETE', `/v1/products/${productId}/images/${start.imageId}`, { token })).status).toBe(204)
    expect(existsSync(join(ctx.dir, 'uploads', start.imageId))).toBe(false)
    expect(await rowsOf(productId)).toEqual([])
  })

  test('the maintenance sweep deletes abandoned uploads (bytes and rows) and leaves the rest alone', async () => {
    const { token, productId } = await ownerWithProduct()
    const abandoned = await startAndPut(api, token, productId, await photo(100, 100))
    const neverSent = (await api('POST', `/v1/products/${productId}/images`, { token, body: { contentType: 'image/jpeg' } })).body
    const fresh = await startAndPut(api, token, productId, await photo(100, 100))
    const kept = await startAndPut(api, token, productId, await photo(100, 100))
    expect((await api('POST', `/v1/products/${productId}/images/${kept.start.imageId}/complete`, { token })).status).toBe(200)
    // Expired longer ago than the grace period: as if abandoned an hour ago.
    const old = [abandoned.start.imageId, neverSent.imageId, kept.start.imageId]
    await deps.sql`update product_images set upload_expires_at = now() - interval '1 hour' where id = any(${old}::uuid[])`
    const pass = await deps.maintenance.pass()
    expect(pass.ran).toBe(true)
    expect(pass.deleted.abandoned_image_uploads).toBeGreaterThanOrEqual(2)
    const left = (await rowsOf(productId)).map((r: any) => r.id).sort()
    expect(left).toEqual([fresh.start.imageId, kept.start.imageId].sort())
    expect(existsSync(join(ctx.dir, 'uploads', abandoned.start.imageId))).toBe(false)
    expect(existsSync(join(ctx.dir, 'uploads', fresh.start.imageId))).toBe(true)
    expect(filesIn(ctx.dir).filter((f) => f.includes(kept.start.imageId))).toHaveLength(4)
  })
})

describe('the reference (/docs renders /openapi.yaml)', () => {
  test('documents the three steps, the SDK call and the CLI command', async () => {
    const res = await api('GET', '/openapi.yaml')
    for (const text of ['name: images', 'uploadProductImage(productId, file)', 'livedrop products images add <productId> photo.jpg', 'IMAGE_TYPE_MISMATCH']) {
      expect(res.text).toContain(text)
    }
  })
})
