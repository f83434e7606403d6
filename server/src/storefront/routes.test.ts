import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext } from '../../test/helpers'

// In process, every answer checked against openapi.yaml (tag storefront).
const ctx = createTestContext()
afterAll(() => ctx.close())

describe('storefront routes', () => {
  test('one HTML shell for its pages, importing the SDK by name through an import map, assets by content hash', async () => {
    const home = await ctx.api('GET', '/')
    expect(home.status).toBe(200)
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const v = /storefront\.js\?v=([0-9a-f]{12})/.exec(home.text)![1]!
    expect(home.text).toContain(`<script type="importmap">{"imports":{"@livedrop/sdk":"/assets/livedrop.browser.js?v=${v}"}}</script>`)
    expect(home.text).not.toMatch(/https?:\/\//) // nothing from elsewhere: works offline
    for (const page of ['/drops/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '/orders']) expect((await ctx.api('GET', page)).text).toBe(home.text)

    const sdk = await ctx.api('GET', `/assets/livedrop.browser.js?v=${v}`)
    expect(sdk.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(sdk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(sdk.text).toMatch(/export\{.*createLiveDrop/)
    const app = await ctx.api('GET', `/assets/storefront.js?v=${v}`)
    expect(app.text).toContain('from"@livedrop/sdk"') // the SDK stays a separate module, as for any app
    expect((await ctx.api('GET', `/assets/storefront.css?v=${v}`)).headers.get('content-type')).toBe('text/css; charset=utf-8')
    // Without the current hash (an app importing the bundle by its plain URL) it is revalidated, never stale.
    expect((await ctx.api('GET', '/assets/livedrop.browser.js')).headers.get('cache-control')).toBe('no-cache')
    expect((await ctx.api('GET', '/assets/storefront.js?v=000000000000')).headers.get('cache-control')).toBe('no-cache')
  })
})
