import { describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Page } from 'playwright-core'
import { CHROMIUM, hasChromium, useChromium } from '../../test/browser'
import { createTestContext, liveDrop, registerCreator, registerUser, unique } from '../../test/helpers'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'
import { validateResponse } from '../contract/validate'

/**
 * The storefront in a real browser (Debian's Chromium, headless, driven by playwright-core) against the real
 * app on a real port: the pages, the SDK's browser build and the drop streams all come from the server.
 * Screenshots go to results/storefront/ (git-ignored) for a person to look at.
 */
if (!hasChromium) console.error(`SKIPPED: storefront browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)
const SHOTS = join(import.meta.dir, '..', '..', '..', 'results', 'storefront')

const ctx = createTestContext({ queue: { tokenSecret: 'storefront-queue-secret-0123456789abcdef01', tickMs: 100 } })
// Every answer the browser gets (streams aside) is checked against openapi.yaml, like the in-process tests do.
const contractProblems: string[] = []

const chromium = useChromium(ctx, {
  async fetch(req) {
    const res = await ctx.app.handle(req)
    const type = res.headers.get('content-type')
    if (!type?.startsWith('text/event-stream')) {
      const text = await res.clone().text()
      const body = text === '' ? undefined : /json/.test(type ?? '') ? JSON.parse(text) : text
      const problems = validateResponse(req.method, new URL(req.url).pathname, res.status, text === '' ? null : type, body)
      if (problems.length) contractProblems.push(`${req.method} ${req.url}: ${problems.join('; ')}`)
    }
    return res
  },
}, {
  before: async () => {
    mkdirSync(SHOTS, { recursive: true })
    await ctx.deps.live.start()
  },
})
const base = () => chromium.url()

async function openPage(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const context = await chromium.browser().newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  return { page, errors }
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
const status = (page: Page) => page.getByTestId('drop-status')
const noReload = (page: Page) => page.evaluate(() => (window as any).__sameDocument === true)

describe.skipIf(!hasChromium)('the storefront in headless Chromium', () => {
  test('two buyers, stock 1: one sees the confirmation, the other sees sold out live; a double click buys once', async () => {
    const { owner, product, drop } = await liveDrop(ctx, { initialStock: 1, perUserLimit: 2 })
    const upcoming = await ctx.api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: new Date(Date.now() + 3_600_000).toISOString(), initialStock: 5 } })
    expect(upcoming.status).toBe(201)
    const bob = await registerUser(ctx.api)

    // Alice, on a phone-width screen, starts at the home page: the live drop and the upcoming one with its countdown.
    const a = await openPage({ width: 390, height: 844 })
    await a.page.goto(`${base()}/`)
    const liveCard = a.page.getByRole('region', { name: 'Live now' }).getByRole('listitem').filter({ has: a.page.locator(`a[href="/drops/${drop.id}"]`) })
    await expect(liveCard.getByText('Live · 1 left')).toBeTruthy()
    await liveCard.getByText('Live · 1 left').waitFor()
    const upcomingCard = a.page.getByRole('region', { name: 'Upcoming' }).getByRole('listitem').filter({ has: a.page.locator(`a[href="/drops/${upcoming.body.id}"]`) })
    await upcomingCard.getByText(/Starts in (59:\d\d|1:00:00)/).waitFor()
    await shot(a.page, '1-home-phone')

    // Into the drop page (client-side navigation), then sign up inline with the keyboard only.
    await liveCard.getByRole('link', { name: 'Hot item' }).click()
    await a.page.waitForURL(`${base()}/drops/${drop.id}`)
    await a.page.getByRole('heading', { level: 1, name: 'Hot item' }).waitFor()
    expect(await status(a.page).textContent()).toBe('Live now')
    expect(await a.page.getByRole('progressbar', { name: 'Stock left' }).getAttribute('aria-valuenow')).toBe('1')
    await a.page.getByRole('button', { name: 'Create an account' }).click()
    await a.page.getByLabel('Username').waitFor()
    await shot(a.page, '2-sign-up-inline-phone')
    const alice = unique('alice_')
    await a.page.getByLabel('Username').fill(alice)
    await a.page.getByLabel('Email').fill(`${alice}@example.test`)
    await a.page.getByLabel('Password').fill('correct horse battery')
    await a.page.getByLabel('Password').press('Enter')
    const buyA = a.page.getByRole('button', { name: /^Buy now/ })
    await buyA.waitFor()
    expect(await a.page.getByText(`Signed in as ${alice}`).count()).toBe(1)

    // Bob, on a desktop screen, opens the drop page directly and signs in inline.
    const b = await openPage({ width: 1280, height: 800 })
    await b.page.goto(`${base()}/drops/${drop.id}`)
    await b.page.getByRole('heading', { level: 2, name: 'Sign in to buy' }).waitFor()
    await b.page.getByLabel('Email').fill(bob.email)
    await b.page.getByLabel('Password').fill(bob.password)
    await b.page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await b.page.getByRole('button', { name: /^Buy now/ }).waitFor()
    await b.page.evaluate(() => ((window as any).__sameDocument = true))
    await shot(b.page, '2-drop-live-signed-in-desktop')

    // Alice double-clicks Buy: one intended purchase, one order (the second click reuses the first's key).
    await buyA.dblclick()
    await a.page.getByRole('heading', { name: 'Order confirmed' }).waitFor()
    await a.page.getByText('0 of 1 left').waitFor()
    await shot(a.page, '3-confirmed-phone')

    // Bob's page learns from the drop's stream that it sold out: no reload, and no Buy button any more.
    await status(b.page).filter({ hasText: 'Sold out' }).waitFor({ timeout: 10_000 })
    expect(await b.page.getByRole('button', { name: /^Buy/ }).count()).toBe(0)
    expect(await b.page.getByRole('progressbar', { name: 'Stock left' }).getAttribute('aria-valuenow')).toBe('0')
    expect(await noReload(b.page)).toBe(true)
    await shot(b.page, '4-sold-out-desktop')
    expect(await status(a.page).textContent()).toBe('Sold out')

    const orders = await ctx.deps.sql`select user_id, quantity, status from orders where drop_id = ${drop.id}`
    expect(orders.map((o) => ({ quantity: o.quantity, status: o.status }))).toEqual([{ quantity: 1, status: 'confirmed' }])
    const [row] = await ctx.deps.sql`select available_stock from drops where id = ${drop.id}`
    expect(row!.availableStock).toBe(0)

    // "My orders" lists it with the product's title.
    await a.page.getByRole('link', { name: 'See my orders' }).click()
    await a.page.getByRole('heading', { level: 1, name: 'My orders' }).waitFor()
    const mine = a.page.getByRole('listitem').filter({ hasText: 'Hot item' })
    await mine.getByText('Confirmed').waitFor()
    expect(await mine.getByText('1 × €15.00 = €15.00').count()).toBe(1)
    await shot(a.page, '5-my-orders-phone')

    // The creator cancels the drop: Bob's open page says so at once.
    expect((await ctx.api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })).status).toBe(200)
    await status(b.page).filter({ hasText: 'Cancelled' }).waitFor({ timeout: 10_000 })
    expect(await noReload(b.page)).toBe(true)
    await shot(b.page, '6-cancelled-desktop')

    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
    expect(contractProblems).toEqual([])
  }, 90_000)

  test('an upcoming drop counts down, opens (bought with the keyboard) and ends live on the page; unknown drops say so', async () => {
    const { owner, product } = await liveDrop(ctx, { initialStock: 3 })
    const res = await ctx.api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: new Date(Date.now() + 3_600_000).toISOString(), initialStock: 3 } })
    const dropId = res.body.id as string
    const buyer = await registerUser(ctx.api)
    const { page, errors } = await openPage({ width: 390, height: 844 })
    await page.goto(`${base()}/drops/${dropId}`)
    expect(await status(page).textContent()).toBe('Upcoming')
    await page.getByText(/Opens in (59:\d\d|1:00:00)/).waitFor()
    await page.getByLabel('Email').fill(buyer.email)
    await page.getByLabel('Password').fill(buyer.password)
    await page.getByLabel('Password').press('Enter')
    await page.getByText('You are signed in').waitFor()
    await page.evaluate(() => ((window as any).__sameDocument = true))
    await shot(page, '7-upcoming-phone')

    await ctx.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
    await ctx.deps.scheduler.tick()
    await page.getByRole('button', { name: /^Buy now/ }).waitFor({ timeout: 10_000 })
    expect(await status(page).textContent()).toBe('Live now')
    // Keyboard only: the Buy button is a real button, Enter buys.
    await page.getByRole('button', { name: /^Buy now/ }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Order confirmed' }).waitFor()

    await ctx.deps.sql`update drops set ends_at = now() - interval '1 millisecond' where id = ${dropId}`
    await ctx.deps.scheduler.tick()
    await status(page).filter({ hasText: 'Ended' }).waitFor({ timeout: 10_000 })
    expect(await page.getByRole('button', { name: /^Buy/ }).count()).toBe(0)
    await page.getByText('1 of 3 sold').waitFor()
    expect(await noReload(page)).toBe(true)
    await shot(page, '8-ended-phone')

    await page.goto(`${base()}/drops/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b`)
    await page.getByRole('heading', { level: 1, name: 'Drop not found' }).waitFor()
    expect(errors.filter((e) => !/404/.test(e))).toEqual([])
    expect(contractProblems).toEqual([])
  }, 60_000)

  test('a queued drop with proof of work: join the line, watch the place move, get admitted, buy; the next buyer is told it sold out', async () => {
    const owner = await registerCreator(ctx.api)
    const product = await ctx.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Queued sneaker', priceCents: 12000, currency: 'EUR' } })
    const made = await ctx.api('POST', '/v1/drops', {
      token: owner.accessToken,
      body: {
        productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 3,
        access: { mode: 'queue', admitPerSecond: 1, preQueueSeconds: 600, admissionTtlSeconds: 120, challenge: 'pow', challengeDifficulty: 2000 },
      },
    })
    expect(made.status).toBe(201)
    const dropId = made.body.id as string
    await ctx.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
    await ctx.deps.scheduler.tick()
    // Two buyers ahead in line (through the API, with solved challenges), before the page's buyer.
    const ahead = await Promise.all([registerUser(ctx.api), registerUser(ctx.api)])
    for (const u of ahead) {
      const challenge = (await ctx.api('GET', `/v1/challenges?dropId=${dropId}`)).body
      const solution = await solveChallenge({ challenge, deriveKey })
      const header = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64')
      expect((await ctx.api('POST', `/v1/drops/${dropId}/queue`, { token: u.accessToken, headers: { altcha: header } })).status).toBe(200)
    }
    const buyer = await registerUser(ctx.api)
    const { page, errors } = await openPage({ width: 390, height: 844 })
    await page.goto(`${base()}/drops/${dropId}`)
    await page.getByLabel('Email').fill(buyer.email)
    await page.getByLabel('Password').fill(buyer.password)
    await page.getByLabel('Password').press('Enter')
    await page.getByTestId('queue-join').click()
    await page.getByTestId('queue-position').filter({ hasText: '3' }).waitFor({ timeout: 20_000 })
    expect(await page.getByRole('button', { name: /^Buy/ }).count()).toBe(0)
    await shot(page, '9-queue-waiting-phone')

    // The first buyer ahead is admitted and buys; the line moves on the page (3 → 2), then the page's buyer is admitted.
    await ctx.deps.queue.tick()
    const first = (await ctx.api('GET', `/v1/drops/${dropId}/queue`, { token: ahead[0].accessToken })).body
    expect(first.status).toBe('admitted')
    expect((await ctx.api('POST', '/v1/orders', { token: ahead[0].accessToken, headers: { 'idempotency-key': unique('k'), 'admission-token': first.admission.token }, body: { dropId, quantity: 1 } })).status).toBe(201)
    await page.getByTestId('queue-position').filter({ hasText: '2' }).waitFor({ timeout: 10_000 })
    ctx.deps.queue.start()
    try {
      // The second buyer ahead is admitted next (and holds a unit); then the page's buyer, who buys.
      await page.getByTestId('queue-admitted').waitFor({ timeout: 20_000 })
      await shot(page, '10-queue-admitted-phone')
      await page.getByRole('button', { name: /^Buy now/ }).click()
      await page.getByRole('heading', { name: 'Order confirmed' }).waitFor()
      expect(await page.getByRole('button', { name: /^Buy/ }).count()).toBe(0) // one admission, one order
      // The second buyer ahead buys the last unit: the page sees the drop sell out.
      const second = (await ctx.api('GET', `/v1/drops/${dropId}/queue`, { token: ahead[1].accessToken })).body
      expect(second.status).toBe('admitted')
      expect((await ctx.api('POST', '/v1/orders', { token: ahead[1].accessToken, headers: { 'idempotency-key': unique('k'), 'admission-token': second.admission.token }, body: { dropId, quantity: 1 } })).status).toBe(201)
      await status(page).filter({ hasText: 'Sold out' }).waitFor({ timeout: 10_000 })
      await shot(page, '11-queue-bought-phone')
    } finally {
      await ctx.deps.queue.stop()
    }
    const orders = await ctx.deps.sql`select user_id from orders where drop_id = ${dropId} and status = 'confirmed'`
    expect(orders.map((o) => o.userId).sort()).toEqual([ahead[0].user.id, ahead[1].user.id, buyer.user.id].sort())

    // A buyer arriving now: the sold-out drop's page offers no line to join (the API refuses it: 409 SOLD_OUT).
    const l = await openPage({ width: 1280, height: 800 })
    await l.page.goto(`${base()}/drops/${dropId}`)
    await status(l.page).filter({ hasText: 'Sold out' }).waitFor()
    expect(await l.page.getByTestId('queue-join').count()).toBe(0)
    expect(errors).toEqual([])
    expect(l.errors).toEqual([])
    expect(contractProblems).toEqual([])
  }, 120_000)
})
