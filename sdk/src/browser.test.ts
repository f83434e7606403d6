import { describe, expect, test } from 'bun:test'
import { CHROMIUM, hasChromium, useChromium } from '../../server/test/browser'
import { testConfig } from '../../server/test/helpers'
import { createSdkContext } from '../test/helpers'
import { buildSdk, sdkPage } from '../test/build'

/**
 * A real browser (Debian's Chromium, headless, driven by playwright-core) loads the *built* SDK
 * (`npm run build -w sdk` → dist/livedrop.browser.js) from a page served by the server's origin, logs in,
 * subscribes to a drop stream and sees `drop.live`, buys, and opens the personal stream with a native
 * EventSource through a ticket.
 */
if (!hasChromium) console.error(`SKIPPED: sdk browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const t = createSdkContext({
  rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } },
  queue: { tokenSecret: 'sdk-browser-queue-secret-0123456789abcdef01', tickMs: 100 },
})
/** Requests for the proof-of-work worker's script: the browser solved in a Web Worker. */
let workerFetches = 0
const chromium = useChromium(t, sdkPage({ app: t.app, onWorker: () => workerFetches++ }), { before: () => Promise.all([buildSdk(), t.deps.live.start()]) })

/** A fresh page on the app with the SDK loaded; `errors` collects the page's uncaught errors. */
async function openApp() {
  const page = await chromium.browser().newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(chromium.url('/app/'))
  await page.waitForFunction(() => (window as any).sdkLoaded === true, null, { timeout: 10_000 })
  return { page, errors }
}

describe.skipIf(!hasChromium)('the built SDK in headless Chromium', () => {
  test('log in, watch a drop go live, buy, and open the personal stream with an EventSource ticket', async () => {
    const c = await t.creator()
    const product = await c.ld.POST('/v1/products', { body: { title: 'Vinyl', priceCents: 3000, currency: 'EUR' } })
    const drop = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 3 } })
    const buyer = await t.user()

    const { page, errors } = await openApp()

    // In the page: log in, read /v1/me, subscribe to the drop stream (events kept on window).
    const opened = await page.evaluate(async ({ email, password, dropId }) => {
      const w = window as any
      const ld = w.LiveDrop.createLiveDrop({ baseUrl: location.origin })
      w.ld = ld
      const login = await ld.login({ email, password })
      const me = await ld.GET('/v1/me')
      w.events = []
      w.abort = new AbortController()
      const it = ld.subscribe({ dropId }, { signal: w.abort.signal })
      const first = await it.next()
      w.events.push(first.value)
      void (async () => {
        for await (const e of it) w.events.push(e)
      })()
      return { loginStatus: login.response.status, meEmail: me.data.email, first: first.value, ua: navigator.userAgent }
    }, { email: buyer.email, password: buyer.password, dropId: drop.data!.id })
    expect(opened.loginStatus).toBe(200)
    expect(opened.meEmail).toBe(buyer.email)
    expect(opened.ua).toContain('HeadlessChrome')
    expect(opened.first).toMatchObject({ type: 'state', dropId: drop.data!.id, data: { status: 'scheduled' } })

    // The drop starts (the real scheduler moves it live); the page sees drop.live on its stream.
    await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.data!.id}`
    await t.deps.scheduler.tick()
    await page.waitForFunction(() => (window as any).events.some((e: any) => e.type === 'drop.live'), null, { timeout: 10_000 })

    // Buy from the page (generated Idempotency-Key), then open the personal stream with a native EventSource.
    const bought = await page.evaluate(async (dropId) => {
      const w = window as any
      const order = await w.ld.createOrder({ dropId, quantity: 1 })
      const url = await w.ld.eventSourceUrl({ me: true })
      const state = await new Promise<any>((resolve, reject) => {
        const es = new EventSource(url)
        es.addEventListener('state', (e) => {
          es.close()
          resolve(JSON.parse((e as MessageEvent).data))
        })
        es.onerror = () => reject(new Error('EventSource failed'))
      })
      return { status: order.response.status, key: order.idempotencyKey, order: order.data, ticketInUrl: new URL(url).searchParams.has('ticket'), state }
    }, drop.data!.id)
    expect(bought.status).toBe(201)
    expect(bought.key).toMatch(/^[0-9a-f-]{36}$/)
    expect(bought.order).toMatchObject({ dropId: drop.data!.id, quantity: 1, status: 'confirmed' })
    expect(bought.ticketInUrl).toBe(true)
    expect(bought.state).toMatchObject({ type: 'state', data: { unreadNotifications: expect.any(Number) } })
    await page.waitForFunction(() => (window as any).events.some((e: any) => e.type === 'drop.stock' && e.data.availableStock === 2), null, { timeout: 10_000 })

    const rows = await t.deps.sql`select count(*)::int as n from orders where drop_id = ${drop.data!.id}`
    expect(rows[0].n).toBe(1)
    await page.evaluate(() => (window as any).abort.abort())
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('a queued drop with proof of work, end to end: solve in a Web Worker, wait in line, get admitted, buy with the token', async () => {
    const c = await t.creator()
    const product = await c.ld.POST('/v1/products', { body: { title: 'Sneaker', priceCents: 12000, currency: 'EUR' } })
    const made = await c.ld.POST('/v1/drops', {
      body: {
        productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 5,
        access: { mode: 'queue', admitPerSecond: 1, preQueueSeconds: 600, admissionTtlSeconds: 120, challenge: 'pow', challengeDifficulty: 5000 },
      },
    })
    expect(made.response.status).toBe(201)
    const dropId = made.data!.id
    await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
    await t.deps.scheduler.tick()
    // Somebody is ahead in line, so the page sees its position move before its admission.
    const ahead = await t.user()
    const aheadIt = ahead.ld.queue.join(dropId)
    expect((await aheadIt.next()).value).toMatchObject({ status: 'waiting', position: 1 })
    await aheadIt.return(undefined)
    const buyer = await t.user()

    const { page, errors } = await openApp()
    const before = workerFetches
    t.deps.queue.start()
    try {
      const run = await page.evaluate(async ({ email, password, dropId }) => {
        const w = window as any
        const ld = w.LiveDrop.createLiveDrop({ baseUrl: location.origin })
        await ld.login({ email, password })
        const places: any[] = []
        for await (const p of ld.queue.join(dropId)) places.push(p)
        const held = ld.queue.admission(dropId)
        // The queue stream also opens from a native EventSource through a ticket.
        const url = await ld.eventSourceUrl({ queueOf: dropId })
        const streamed = await new Promise<any>((resolve, reject) => {
          const es = new EventSource(url)
          es.addEventListener('queue.admitted', (e) => {
            es.close()
            resolve(JSON.parse((e as MessageEvent).data))
          })
          es.onerror = () => reject(new Error('EventSource failed'))
        })
        const order = await ld.createOrder({ dropId, quantity: 1 })
        return { places, held, streamed, order: order.data, status: order.response.status, heldAfter: ld.queue.admission(dropId) ?? null }
      }, { email: buyer.email, password: buyer.password, dropId })
      // Position 2 at the join, or 1 when the buyer ahead was admitted while the worker solved.
      expect([run.places[0].status, [1, 2].includes(run.places[0].position)]).toEqual(['waiting', true])
      const admitted = run.places.at(-1)
      expect([admitted.status, typeof admitted.admission?.token]).toEqual(['admitted', 'string'])
      expect(run.held).toBe(admitted.admission.token)
      expect(run.streamed).toMatchObject({ type: 'queue.admitted', dropId, data: { status: 'admitted' } })
      expect(run.status).toBe(201)
      expect(run.order).toMatchObject({ dropId, quantity: 1, status: 'confirmed' })
      expect(run.heldAfter).toBeNull()
      expect(workerFetches).toBeGreaterThan(before) // solved off the page's thread
      const rows = await t.deps.sql`select count(*)::int as n from orders where drop_id = ${dropId}`
      expect(rows[0].n).toBe(1)
      expect(errors).toEqual([])
    } finally {
      await t.deps.queue.stop()
      await page.close()
    }
  }, 90_000)
})
