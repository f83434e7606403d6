import { describe, expect, test } from 'bun:test'
import { CHROMIUM, hasChromium, useChromium } from '../../test/browser'
import { createTestContext } from '../../test/helpers'

/** /docs in a real browser: the reference targets the origin it was served from, not the spec's localhost:3000. */
if (!hasChromium) console.error(`SKIPPED: /docs browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const ctx = createTestContext()
const chromium = useChromium(ctx, { fetch: (req) => ctx.app.handle(req) })

describe.skipIf(!hasChromium)('/docs', () => {
  test('the Server box and the generated snippets use the page origin', async () => {
    const origin = chromium.url()
    const page = await chromium.browser().newPage()
    const offsite: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) offsite.push(r.url())
    })
    await page.goto(`${origin}/docs`)
    await page.getByText('This server').first().waitFor({ timeout: 60_000 })
    // The request example of the first operation (POST /v1/auth/register) is a curl line against this origin.
    await page.locator('pre, code').filter({ hasText: `${origin}/v1/auth/register` }).first().waitFor({ timeout: 60_000 })
    const text = await page.evaluate(() => document.body.innerText)
    expect(text).toContain(origin)
    expect(text).not.toContain('localhost:3000')
    expect(offsite).toEqual([]) // works offline: nothing is fetched from anywhere else
    await page.close()
  }, 150_000)
})
