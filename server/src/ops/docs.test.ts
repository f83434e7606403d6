import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Browser } from 'playwright-core'
import { CHROMIUM, hasChromium, launchChromium } from '../../test/browser'
import { createTestContext } from '../../test/helpers'

/** /docs in a real browser: the reference targets the origin it was served from, not the spec's localhost:3000. */
if (!hasChromium) console.error(`SKIPPED: /docs browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const ctx = createTestContext()
let browser: Browser | undefined
let server: ReturnType<typeof Bun.serve> | undefined

beforeAll(async () => {
  if (!hasChromium) return
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => ctx.app.handle(req) })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  server?.stop(true)
  await ctx.close()
})

describe.skipIf(!hasChromium)('/docs', () => {
  test('the Server box and the generated snippets use the page origin', async () => {
    const origin = `http://127.0.0.1:${server!.port}`
    const page = await browser!.newPage()
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
