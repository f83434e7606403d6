// livedrop listen against the real server in process (the SDK's fetch goes to app.handle, real Postgres and the
// relay underneath), forwarding to a real receiver on loopback: every event arrives signed and verifiable, once,
// in order, across a dropped connection; one line per event with the local status and latency.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyWebhook, type WebhookEvent } from '@livedrop/sdk'
import { createTestContext, registerUser, testConfig, unique, type TestContext } from '../../../server/test/helpers'
import { webhookReceiver } from '../../../server/test/receiver'
import { cutAfter } from '../../../sdk/test/helpers'
import { freshConfigHome, runCli, startCli, waitFor, type RunOptions } from '../../test/harness'

const API = 'http://cli.test'
let ctx: TestContext
const rx = webhookReceiver()
const streamPath = '/v1/webhooks/events'

beforeAll(async () => {
  ctx = createTestContext({ redisKeyPrefix: `${testConfig().redisKeyPrefix}cli-listen:${process.pid}:`, rateLimit: { ...testConfig().rateLimit, enabled: false } })
  await ctx.deps.live.start({ notifier: false })
})
afterAll(async () => {
  rx.stop()
  await ctx.close()
})

const inProcess: NonNullable<RunOptions['fetch']> = (input, init) => ctx.app.handle(new Request(input, init))

/** A logged-in creator's CLI (its own config home) and an API token of the same account for setting things up. */
async function creatorMachine() {
  const home = freshConfigHome()
  const env = { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API }
  const u = await registerUser(ctx.api)
  expect((await runCli(['login', '--email', u.email, '--password-stdin'], { fetch: inProcess, env, stdin: `${u.password}\n` })).code).toBe(0)
  expect((await runCli(['creators', 'create', '--handle', unique('l').toLowerCase(), '--display-name', 'Listener'], { fetch: inProcess, env })).code).toBe(0)
  const token = (await ctx.api('POST', '/v1/auth/login', { body: { email: u.email, password: u.password } })).body.accessToken as string
  return { env, token }
}

async function liveDropOf(token: string, initialStock: number, lowStockThreshold?: number) {
  const product = await ctx.api('POST', '/v1/products', { token, body: { title: 'Listen item', priceCents: 500, currency: 'EUR' } })
  const drop = await ctx.api('POST', '/v1/drops', {
    token, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock, ...(lowStockThreshold ? { lowStockThreshold } : {}) },
  })
  expect(drop.status).toBe(201)
  await ctx.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.body.id}`
  await ctx.deps.scheduler.tick()
  return drop.body.id as string
}

async function buy(dropId: string) {
  const buyer = await registerUser(ctx.api)
  const res = await ctx.api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId, quantity: 1 }, headers: { 'idempotency-key': unique('k') } })
  expect(res.status).toBe(201)
  return res.body.id as string
}

const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}(\S+)\s+(evt_\d+) {2}→ (\[\d{3}\]|error: .+) {2}(\d+) ms$/

describe('livedrop listen', () => {
  test('forwards each event of the creator\'s drops signed and verifiable, once and in order across a dropped connection', async () => {
    const m = await creatorMachine()
    let connections = 0
    const lastIds: Array<string | null> = []
    const fetch: RunOptions['fetch'] = async (input, init) => {
      const req = new Request(input, init)
      const res = await inProcess(req)
      if (new URL(req.url).pathname !== streamPath) return res
      connections++
      lastIds.push(req.headers.get('last-event-id'))
      return connections === 1 ? cutAfter(res, 3) : res // state, drop.live, the first sale; then cut mid-event
    }
    const interrupt = new AbortController()
    const l = startCli(['listen', '--forward-to', rx.url('/hook')], { fetch, env: m.env, signal: interrupt.signal })
    const seen = () => l.stdout.text + l.stderr.text
    await waitFor(() => l.stderr.text.includes('Ready!'), 'Ready!', 10_000, seen)
    const secret = /Your webhook signing secret is (whsec_[A-Za-z0-9_-]+)/.exec(l.stderr.text)![1]

    const dropId = await liveDropOf(m.token, 3, 1)
    const orders = [await buy(dropId), await buy(dropId), await buy(dropId)]
    await waitFor(() => rx.at('/hook').length >= 6, 'six events at the receiver', 20_000, seen)
    await waitFor(() => l.stdout.text.split('\n').filter(Boolean).length >= 6, 'six lines', 10_000, seen)
    await Bun.sleep(300) // nothing more may come
    interrupt.abort()
    expect(await l.done).toBe(130)

    const got = rx.at('/hook')
    const events: WebhookEvent[] = []
    for (const r of got) {
      const e = await verifyWebhook(r.body, r.headers.get('livedrop-signature'), secret, { toleranceSeconds: 60 })
      expect(r.headers.get('livedrop-event-id')).toBe(e.id)
      expect(r.headers.get('livedrop-event-type')).toBe(e.type)
      expect(r.headers.get('content-type')).toBe('application/json')
      expect(e.dropId).toBe(dropId)
      events.push(e)
    }
    expect(events.map((e) => e.type)).toEqual(['drop.live', 'order.confirmed', 'order.confirmed', 'drop.low_stock', 'order.confirmed', 'drop.sold_out'])
    expect(events.filter((e) => e.type === 'order.confirmed').map((e) => (e.data as { order: { id: string } }).order.id)).toEqual(orders)
    const seqs = events.map((e) => Number(e.id.slice(4)))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(6)
    // Resumed after the first sale: the second connection asked for what came after it.
    expect(connections).toBe(2)
    expect(lastIds).toEqual([null, String(seqs[1])])

    const lines = l.stdout.text.split('\n').filter(Boolean)
    expect(lines.length).toBe(6)
    lines.forEach((line, i) => {
      const [, type, id, outcome] = LINE.exec(line) ?? []
      expect({ line, type, id, outcome }).toEqual({ line, type: events[i].type, id: events[i].id, outcome: '[200]' })
    })
  }, 60_000)

  test('--events filters, --secret signs, --json prints one object per event; failures and timeouts are lines too', async () => {
    const m = await creatorMachine()
    rx.plan('/picky', (n) => (n === 1 ? 'fail' : n === 2 ? 'hang' : 'ok'))
    const interrupt = new AbortController()
    const secret = 'whsec_my_real_endpoint_secret'
    const l = startCli(['listen', '--forward-to', rx.url('/picky'), '--events', 'order.confirmed', '--secret', secret, '--timeout', '500', '--json'],
      { fetch: inProcess, env: m.env, signal: interrupt.signal })
    const seen = () => l.stdout.text + l.stderr.text
    await waitFor(() => l.stderr.text.includes('Ready!'), 'Ready!', 10_000, seen)
    expect(l.stderr.text).toContain(secret)
    const dropId = await liveDropOf(m.token, 5)
    for (let i = 0; i < 3; i++) await buy(dropId)
    const json = () => l.stdout.text.split('\n').filter(Boolean).map((s) => JSON.parse(s))
    await waitFor(() => json().length >= 3, 'three lines', 20_000, seen)
    interrupt.abort()
    expect(await l.done).toBe(130)

    expect(rx.at('/picky').map((r) => r.headers.get('livedrop-event-type'))).toEqual(['order.confirmed', 'order.confirmed', 'order.confirmed'])
    for (const r of rx.at('/picky')) expect((await verifyWebhook(r.body, r.headers.get('livedrop-signature'), secret)).type).toBe('order.confirmed')
    const lines = json()
    expect(lines.map((x) => [x.type, x.status, x.error])).toEqual([
      ['order.confirmed', 500, 'HTTP 500'],
      ['order.confirmed', null, 'timeout after 500 ms'],
      ['order.confirmed', 200, null],
    ])
    expect(lines[1].latencyMs).toBeGreaterThanOrEqual(450) // the timeout's line, after waiting for it
    for (const x of lines) {
      expect(typeof x.latencyMs).toBe('number')
      expect(x).toMatchObject({ id: expect.stringMatching(/^evt_\d+$/), dropId, at: expect.any(String) })
    }
  }, 60_000)

  test('the signing secret is made once per profile and kept (--print-secret); a refused target is a line, not the end', async () => {
    const m = await creatorMachine()
    const first = await runCli(['listen', '--print-secret'], { fetch: inProcess, env: m.env })
    expect(first.code).toBe(0)
    expect(first.stdout.trim()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect((await runCli(['listen', '--print-secret'], { fetch: inProcess, env: m.env })).stdout).toBe(first.stdout)
    expect((await runCli(['listen', '--print-secret'], { fetch: inProcess, env: { ...m.env, XDG_CONFIG_HOME: freshConfigHome() } })).stdout).not.toBe(first.stdout)

    // Nothing listens on port 9 (discard): the event's line says so and listen goes on.
    const interrupt = new AbortController()
    const l = startCli(['listen', '--forward-to', 'http://127.0.0.1:9/nothing', '--events', 'drop.live'], { fetch: inProcess, env: m.env, signal: interrupt.signal })
    await waitFor(() => l.stderr.text.includes(first.stdout.trim()), 'the kept secret in the Ready line', 10_000, () => l.stderr.text)
    await liveDropOf(m.token, 1)
    await waitFor(() => l.stdout.text.includes('drop.live'), 'the drop.live line', 20_000, () => l.stdout.text + l.stderr.text)
    expect(l.stdout.text.trim()).toMatch(LINE)
    expect(l.stdout.text).toContain('error: connection refused')
    interrupt.abort()
    expect(await l.done).toBe(130)
  }, 60_000)

  test('a log-out of the session ends listen with exit 4, saying why', async () => {
    const m = await creatorMachine()
    const l = startCli(['listen', '--forward-to', rx.url('/bye')], { fetch: inProcess, env: m.env })
    await waitFor(() => l.stderr.text.includes('Ready!'), 'Ready!', 10_000, () => l.stderr.text)
    const saved = JSON.parse(readFileSync(join(m.env.XDG_CONFIG_HOME, 'livedrop', 'config.json'), 'utf8'))
    expect((await ctx.api('POST', '/v1/auth/logout', { body: { refreshToken: saved.profiles.default.refreshToken } })).status).toBe(204)
    expect(await l.done).toBe(4)
    expect(l.stderr.text).toContain('the session ended (logged_out)')
  })

  test('usage errors before any request (exit 2); not a creator is refused (exit 1); no login is exit 4', async () => {
    const m = await creatorMachine()
    for (const argv of [['listen'], ['listen', '--forward-to', 'ftp://localhost/x'], ['listen', '--forward-to', 'nope'],
      ['listen', '--forward-to', 'http://localhost:8080/h', '--events', 'drop.stock'], ['listen', '--forward-to', 'http://localhost:8080/h', '--timeout', '0']]) {
      const r = await runCli(argv, { fetch: inProcess, env: m.env })
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 })
    }
    const home = freshConfigHome()
    const u = await registerUser(ctx.api)
    expect((await runCli(['login', '--email', u.email, '--password-stdin'], { fetch: inProcess, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API }, stdin: `${u.password}\n` })).code).toBe(0)
    const plain = await runCli(['listen', '--forward-to', rx.url('/never')], { fetch: inProcess, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API } })
    expect(plain.code).toBe(1)
    expect(plain.stderr).toContain('NOT_A_CREATOR')
    const nobody = await runCli(['listen', '--forward-to', rx.url('/never')], { fetch: inProcess, env: { XDG_CONFIG_HOME: freshConfigHome(), LIVEDROP_API_URL: API } })
    expect(nobody.code).toBe(4)
    expect(rx.at('/never')).toEqual([])
  })
})
