import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHROMIUM, hasChromium, useChromium } from '../../server/test/browser'
import { testConfig, testPort } from '../../server/test/helpers'
import { photo } from '../../server/test/images'
import { createSdkContext } from '../test/helpers'
import { buildSdk, sdkPage } from '../test/build'

/**
 * uploadProductImage in a real browser (headless Chromium, the built SDK bundle): the person picks a file in an
 * <input type="file">, the page uploads it (the presigned PUT goes to the server's own storage, same origin),
 * and the image it shows comes back from the variant URL.
 */
if (!hasChromium) console.error(`SKIPPED: sdk image browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const dir = mkdtempSync(join(tmpdir(), 'livedrop-browser-images-'))
const port = testPort(3624)
const base = testConfig()
const t = createSdkContext({ publicUrl: `http://127.0.0.1:${port}`, images: { ...base.images, storage: { kind: 'local', dir: join(dir, 'media') } } })
const chromium = useChromium(t, { ...sdkPage({ app: t.app, body: '<input id="file" type="file" accept="image/*"><img id="shown">' }), port }, {
  before: buildSdk,
  after: () => rmSync(dir, { recursive: true, force: true }),
})

describe.skipIf(!hasChromium)('uploadProductImage in headless Chromium', () => {
  test('a picked file is uploaded, verified and shown from its variant URL', async () => {
    const c = await t.creator()
    const { data: product } = await c.ld.POST('/v1/products', { body: { title: 'Lamp', priceCents: 4500, currency: 'EUR' } })
    const file = join(dir, 'lamp.jpg')
    writeFileSync(file, await photo(1280, 960))

    const page = await chromium.browser().newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(`http://127.0.0.1:${port}/app/`)
    await page.waitForFunction(() => (window as any).sdkLoaded === true, null, { timeout: 10_000 })
    await page.setInputFiles('#file', file)
    const result = await page.evaluate(async ({ tokens, productId }) => {
      const w = window as any
      const ld = w.LiveDrop.createLiveDrop({ baseUrl: location.origin, tokens })
      const picked = (document.getElementById('file') as HTMLInputElement).files![0]
      const res = await ld.uploadProductImage(productId, picked)
      if (res.error) return { error: res.error }
      const img = document.getElementById('shown') as HTMLImageElement
      img.src = res.data.variants.display
      await img.decode()
      return { image: res.data, natural: [img.naturalWidth, img.naturalHeight], pickedType: picked.type }
    }, { tokens: c.ld.tokens, productId: product!.id })
    expect(errors).toEqual([])
    expect(result.error).toBeUndefined()
    expect(result.pickedType).toBe('image/jpeg')
    expect(result.image).toMatchObject({ productId: product!.id, width: 1280, height: 960 })
    expect(result.natural).toEqual([1280, 960])
    const got = await c.ld.GET('/v1/products/{productId}', { params: { path: { productId: product!.id } } })
    expect(got.data!.images.map((i) => i.id)).toEqual([result.image.id])
    await page.close()
  }, 60_000)
})
