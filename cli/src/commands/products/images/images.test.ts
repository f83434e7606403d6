// `livedrop products images …` against the real server in process (the SDK's fetch, the presigned upload
// included, goes to app.handle), with the embedded default storage in a temporary folder. Outcomes are asserted
// on stdout/stderr/exit codes, the product as the API serves it, and the database rows.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestContext, registerCreator, testConfig, type TestContext } from '../../../../../server/test/helpers'
import { photo } from '../../../../../server/test/images'
import { freshConfigHome, runCli, type RunOptions } from '../../../../test/harness'

const API = 'http://cli.test'
const dir = mkdtempSync(join(tmpdir(), 'livedrop-cli-images-'))
let ctx: TestContext
let fetch: NonNullable<RunOptions['fetch']>

beforeAll(() => {
  const base = testConfig()
  ctx = createTestContext({ images: { ...base.images, storage: { kind: 'local', dir: join(dir, 'media') } } })
  fetch = (input, init) => ctx.app.handle(new Request(input, init))
})
afterAll(async () => {
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

async function creatorWithProduct() {
  const c = await registerCreator(ctx.api)
  const p = await ctx.api('POST', '/v1/products', { token: c.accessToken, body: { title: 'Scarf', priceCents: 3000, currency: 'EUR' } })
  const home = freshConfigHome()
  const run = (argv: string[]) => runCli(argv, { fetch, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API, LIVEDROP_TOKEN: c.accessToken } })
  return { run, productId: p.body.id as string, token: c.accessToken }
}

describe('livedrop products images', () => {
  test('add uploads, verifies and attaches a file; list and get show it; remove deletes it', async () => {
    const { run, productId } = await creatorWithProduct()
    const file = join(dir, 'scarf.jpg')
    writeFileSync(file, await photo(1200, 900))
    const added = await run(['products', 'images', 'add', productId, file, '--json'])
    expect(added.stderr).toContain('✓ Added 1200×900 image')
    expect(added.code).toBe(0)
    const image = added.json()
    expect(image).toMatchObject({ productId, width: 1200, height: 900, sources: { display: { width: 1200, height: 900 }, thumb: { width: 320, height: 240 } } })
    const product = await ctx.api('GET', `/v1/products/${productId}`)
    expect(product.body.images).toEqual([image])

    const human = await run(['products', 'images', 'add', productId, file])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/thumb {5}320×240 {2}http:\/\/localhost:3000\/media\/images\/[0-9a-f-]{36}\/thumb-[0-9a-f]{32}\.webp/)
    expect(human.stdout).toContain('.avif')

    const list = await run(['products', 'images', 'list', productId])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(image.id)
    expect(list.stdout).toContain(image.variants.display)
    const got = await run(['products', 'get', productId])
    expect(got.stdout).toContain(`images    ${image.variants.display} (1200×900)`)

    const removed = await run(['products', 'images', 'remove', productId, image.id])
    expect(removed.code).toBe(0)
    expect(removed.stderr).toContain(`Removed image ${image.id}`)
    expect((await ctx.api('GET', `/v1/products/${productId}`)).body.images).toHaveLength(1)
    const again = await run(['products', 'images', 'remove', productId, image.id])
    expect(again.code).toBe(5)
    expect(again.stderr).toContain('(NOT_FOUND)')
  })

  test('refusals: a missing file and a non-image are usage errors (nothing sent); a lying extension is the server\'s 415', async () => {
    const { run, productId } = await creatorWithProduct()
    const missing = await run(['products', 'images', 'add', productId, join(dir, 'nope.jpg')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no such file')
    const notes = join(dir, 'notes.txt')
    writeFileSync(notes, 'not a picture')
    const text = await run(['products', 'images', 'add', productId, notes])
    expect(text.code).toBe(2)
    expect(text.stderr).toContain('is not a JPEG, PNG, WebP, AVIF or GIF image')
    const liar = join(dir, 'really-a-jpeg.png')
    writeFileSync(liar, await photo(100, 100))
    const mismatch = await run(['products', 'images', 'add', productId, liar])
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/error: The upload is image\/jpeg, not the declared image\/png \(IMAGE_TYPE_MISMATCH\)/)
    const typed = await run(['products', 'images', 'add', productId, liar, '--type', 'image/jpeg', '--json'])
    expect(typed.code).toBe(0)
    const bad = await run(['products', 'images', 'add', productId, liar, '--type', 'image/svg+xml'])
    expect(bad.code).toBe(2)
    expect([...(await ctx.deps.sql`select status from product_images where product_id = ${productId}`)]).toEqual([{ status: 'ready' }])
  })

  test("another creator's product is not found (exit 5)", async () => {
    const { productId } = await creatorWithProduct()
    const other = await creatorWithProduct()
    const file = join(dir, 'x.jpg')
    writeFileSync(file, await photo(64, 64))
    const r = await other.run(['products', 'images', 'add', productId, file])
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('(NOT_FOUND)')
  })
})
