import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { verifyWebhook } from '@livedrop/sdk'
import { createTestContext, liveDrop, registerCreator, registerUser, testConfig } from '../../test/helpers'
import { webhookReceiver, waitFor } from '../../test/receiver'

/**
 * Webhooks end to end: the API as the contract says, and real deliveries from the outbox to a real receiver on
 * loopback (through WEBHOOKS_ALLOW_HTTP_LOOPBACK, as in development), with the relay, fan-out and dispatcher
 * running as on a server. Timings are shortened through config: backoff from 100 ms; the 5 s timeout leaves a
 * loaded machine time to deliver to the healthy endpoint while the hung one waits.
 */
const hooks = { ...testConfig().webhooks, allowHttpLoopback: true, timeoutMs: 5000, backoffBaseMs: 100, backoffMaxMs: 300, pollMs: 20, retryWindowSec: 60, disableAfterSec: 3600 }
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false }, webhooks: hooks })
// Production settings: https only, no loopback.
const strict = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
const rx = webhookReceiver()

beforeAll(async () => {
  await deps.live.start({ notifier: false })
  deps.webhookWorker.start()
})
afterAll(async () => {
  rx.stop()
  await strict.close()
  await ctx.close()
})

async function createHook(token: string, path: string, events: string[] = ['order.confirmed']) {
  const res = await api('POST', '/v1/webhooks', { token, body: { url: rx.url(path), events } })
  expect(res.status).toBe(201)
  return res.body as { id: string; secret: string; url: string }
}

async function buy(dropId: string, quantity = 1, buyer?: Awaited<ReturnType<typeof registerUser>>) {
  buyer ??= await registerUser(api)
  const res = await api('POST', '/v1/orders', { token: buyer.accessToken, body: { dropId, quantity }, headers: { 'idempotency-key': crypto.randomUUID() } })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

const deliveriesOf = async (token: string, hookId: string) => (await api('GET', `/v1/webhooks/${hookId}/deliveries`, { token })).body.items as any[]

describe('the webhooks API', () => {
  test('create shows the secret once; reads, lists, patch and delete are the owner\'s alone', async () => {
    const owner = await registerCreator(api)
    const other = await registerCreator(api)
    const created = await api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url: rx.url('/crud'), events: ['drop.live', 'order.confirmed'], description: 'fulfilment' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ url: rx.url('/crud'), events: ['drop.live', 'order.confirmed'], description: 'fulfilment', enabled: true, disabledAt: null })
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    const id = created.body.id

    const got = await api('GET', `/v1/webhooks/${id}`, { token: owner.accessToken })
    expect(got.status).toBe(200)
    expect(got.body.secret).toBeUndefined()
    expect((await api('GET', '/v1/webhooks', { token: owner.accessToken })).body.items.map((w: any) => w.id)).toEqual([id])
    // The secret is stored sealed, never as given.
    const [row] = await deps.sql<{ sealed: Buffer }[]>`select secret_sealed as sealed from webhook_endpoints where id = ${id}`
    expect(row.sealed.toString('latin1')).not.toContain(created.body.secret)

    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${id}`], ['PATCH', `/v1/webhooks/${id}`, { description: 'mine now' }], ['DELETE', `/v1/webhooks/${id}`],
      ['POST', `/v1/webhooks/${id}/rotate-secret`], ['POST', `/v1/webhooks/${id}/test`], ['GET', `/v1/webhooks/${id}/deliveries`],
    ] as const) {
      const res = await api(method, path, { token: other.accessToken, body })
      expect({ method, path, status: res.status, code: res.body.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' })
    }
    expect((await api('GET', '/v1/webhooks', { token: other.accessToken })).body.items).toEqual([])

    const patched = await api('PATCH', `/v1/webhooks/${id}`, { token: owner.accessToken, body: { events: ['drop.ended'], description: '' } })
    expect(patched.body).toMatchObject({ events: ['drop.ended'], description: '' })
    expect((await api('DELETE', `/v1/webhooks/${id}`, { token: owner.accessToken })).status).toBe(204)
    expect((await api('GET', `/v1/webhooks/${id}`, { token: owner.accessToken })).status).toBe(404)
  })

  test('only creators have webhooks (403 NOT_A_CREATOR); bad bodies are precise 422s', async () => {
    const plain = await registerUser(api)
    for (const [method, body] of [['POST', { url: rx.url('/x'), events: ['drop.live'] }], ['GET', undefined]] as const) {
      const res = await api(method, '/v1/webhooks', { token: plain.accessToken, body })
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'NOT_A_CREATOR' })
    }
    const owner = await registerCreator(api)
    for (const body of [
      { url: rx.url('/x'), events: [] },
      { url: rx.url('/x'), events: ['drop.stock'] },
      { url: rx.url('/x'), events: ['ping'] },
      { url: rx.url('/x'), events: ['drop.live', 'drop.live'] },
      { events: ['drop.live'] },
      { url: rx.url('/x'), events: ['drop.live'], secret: 'mine' },
    ]) {
      const res = await api('POST', '/v1/webhooks', { token: owner.accessToken, body })
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 422, code: 'VALIDATION_FAILED' })
    }
  })

  test('SSRF: with production settings every forbidden target is a 422 with a precise code, at creation and on change', async () => {
    const owner = await registerCreator(strict.api)
    const cases: Array<[string, string, string | null]> = [
      ['not a url', 'WEBHOOK_URL_INVALID', null],
      ['https://user:pw@example.com/', 'WEBHOOK_URL_INVALID', null],
      ['ftp://example.com/', 'WEBHOOK_URL_INVALID', null],
      [rx.url('/x'), 'WEBHOOK_URL_NOT_HTTPS', null],
      ['https://127.0.0.1/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'loopback'],
      ['https://localhost:8443/hook', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'loopback'],
      ['https://0x7f.1/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'loopback'],
      ['https://[::1]/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'loopback'],
      ['https://10.1.2.3/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'private'],
      ['https://192.168.0.10/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'private'],
      ['https://169.254.169.254/latest/meta-data/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'linkLocal'],
      ['https://100.64.0.1/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'carrierGradeNat'],
      ['https://0.0.0.0/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'unspecified'],
      ['https://224.0.0.1/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'multicast'],
      ['https://[fe80::1]/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'linkLocal'],
      ['https://[fd00::1]/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'uniqueLocal'],
      ['https://[::ffff:169.254.169.254]/', 'WEBHOOK_URL_FORBIDDEN_ADDRESS', 'ipv4Mapped'],
    ]
    for (const [url, code, range] of cases) {
      const res = await strict.api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url, events: ['drop.live'] } })
      expect({ url, status: res.status, code: res.body.code, range: res.body.addressRange ?? null }).toEqual({ url, status: 422, code, range })
    }
    expect((await strict.api('GET', '/v1/webhooks', { token: owner.accessToken })).body.items).toEqual([])
    // A URL accepted once cannot be changed into a forbidden one.
    const ok = await createHook(owner.accessToken, '/ssrf-patch')
    const res = await api('PATCH', `/v1/webhooks/${ok.id}`, { token: owner.accessToken, body: { url: 'https://169.254.169.254/' } })
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'WEBHOOK_URL_FORBIDDEN_ADDRESS' })
    expect((await api('GET', `/v1/webhooks/${ok.id}`, { token: owner.accessToken })).body.url).toBe(rx.url('/ssrf-patch'))
  })
})

describe('deliveries to a real receiver', () => {
  test('a sale reaches the endpoint signed, verifiable with the SDK, and another creator\'s endpoint gets nothing', async () => {
    const { owner, drop } = await liveDrop(ctx, { initialStock: 10 })
    const hook = await createHook(owner.accessToken, '/sale')
    const stranger = await registerCreator(api)
    const strangers = await createHook(stranger.accessToken, '/stranger', ['order.confirmed', 'order.cancelled', 'drop.live', 'drop.sold_out', 'drop.low_stock', 'drop.ended', 'drop.cancelled'])
    const order = await buy(drop.id, 2)

    const [req] = await waitFor('the sale at the endpoint', () => rx.at('/sale').length && rx.at('/sale'))
    const event = await verifyWebhook(req.body, req.headers.get('livedrop-signature'), hook.secret, { toleranceSeconds: 60 })
    expect(event).toMatchObject({ type: 'order.confirmed', creatorId: owner.creator.id, dropId: drop.id })
    expect((event.data as any).order).toMatchObject({ id: order.id, quantity: 2, status: 'confirmed' })
    expect(req.headers.get('livedrop-event-id')).toBe(event.id)
    expect(req.headers.get('livedrop-event-type')).toBe('order.confirmed')
    expect(req.headers.get('content-type')).toBe('application/json')
    // Verifying with any other secret fails.
    await expect(verifyWebhook(req.body, req.headers.get('livedrop-signature'), strangers.secret)).rejects.toThrow('no v1 signature')

    const [delivery] = await waitFor('the delivery logged', async () => {
      const items = await deliveriesOf(owner.accessToken, hook.id)
      return items[0]?.status === 'succeeded' && items
    })
    expect(delivery).toMatchObject({ eventId: event.id, eventType: 'order.confirmed', status: 'succeeded', attempts: 1, nextAttemptAt: null })
    expect(delivery.log).toEqual([{ attempt: 1, statusCode: 200, latencyMs: expect.any(Number), error: null, at: expect.any(String) }])

    // The fan-out wrote every delivery of that event in one statement: none is, or will be, the stranger's.
    expect(await deliveriesOf(stranger.accessToken, strangers.id)).toEqual([])
    expect(rx.at('/stranger')).toEqual([])
  })

  test('a receiver that fails 3 times gets the event exactly once more after recovering, same id every time', async () => {
    const { owner, drop } = await liveDrop(ctx)
    rx.plan('/flaky', (n) => (n <= 3 ? 'fail' : 'ok'))
    const hook = await createHook(owner.accessToken, '/flaky')
    await buy(drop.id)
    await waitFor('the fourth attempt', () => rx.at('/flaky').length >= 4, 20_000)
    // Longer than the largest backoff step: a fifth request would have come by now.
    await Bun.sleep(800)
    const got = rx.at('/flaky')
    expect(got.map((r) => r.answer)).toEqual(['fail', 'fail', 'fail', 'ok'])
    expect(new Set(got.map((r) => r.headers.get('livedrop-event-id'))).size).toBe(1)
    expect(new Set(got.map((r) => r.body)).size).toBe(1)
    const [d] = await deliveriesOf(owner.accessToken, hook.id)
    expect(d).toMatchObject({ status: 'succeeded', attempts: 4 })
    expect(d.log.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([[1, 500, 'HTTP 500'], [2, 500, 'HTTP 500'], [3, 500, 'HTTP 500'], [4, 200, null]])
  })

  test('a receiver that hangs does not hold up the others', async () => {
    const { owner, drop } = await liveDrop(ctx, { initialStock: 20 })
    rx.plan('/hang', () => 'hang')
    await createHook(owner.accessToken, '/hang')
    await createHook(owner.accessToken, '/fast')
    const buyers = await Promise.all([0, 1, 2].map(() => registerUser(api)))
    for (const buyer of buyers) await buy(drop.id, 1, buyer)
    await waitFor('all three sales at the fast endpoint', () => rx.at('/fast').length >= 3)
    const [hung] = await waitFor('the hung request', () => rx.at('/hang').length && rx.at('/hang'))
    // All three reached the healthy endpoint while the hung one's first request was still waiting for an answer.
    expect(Math.max(...rx.at('/fast').map((r) => r.at))).toBeLessThan(hung.at + hooks.timeoutMs)
    expect(rx.at('/hang').length).toBe(1) // one request at a time per endpoint: the hang holds one slot, not three
    const [attempt] = await waitFor('the hung attempt logged', async () => {
      const [d] = (await deliveriesOf(owner.accessToken, (await api('GET', '/v1/webhooks', { token: owner.accessToken })).body.items.find((w: any) => w.url.endsWith('/hang')).id))
        .filter((x) => x.log.length)
      return d?.log
    })
    expect(attempt).toMatchObject({ attempt: 1, statusCode: null, error: `timeout after ${hooks.timeoutMs} ms` })
  })

  test('test sends a verifiable ping; redeliver sends the same event again; rotation signs with both secrets', async () => {
    const owner = await registerCreator(api)
    const hook = await createHook(owner.accessToken, '/ping')
    const queued = await api('POST', `/v1/webhooks/${hook.id}/test`, { token: owner.accessToken })
    expect(queued.status).toBe(202)
    expect(queued.body).toMatchObject({ webhookId: hook.id, eventType: 'ping', status: 'pending', attempts: 0 })
    const [first] = await waitFor('the ping', () => rx.at('/ping').length && rx.at('/ping'))
    const ping = await verifyWebhook(first.body, first.headers.get('livedrop-signature'), hook.secret)
    expect(ping).toMatchObject({ id: queued.body.eventId, type: 'ping', creatorId: owner.creator.id, dropId: null, data: { webhookId: hook.id } })
    await waitFor('the ping recorded', async () => (await deliveriesOf(owner.accessToken, hook.id))[0]?.status === 'succeeded')

    const rotated = await api('POST', `/v1/webhooks/${hook.id}/rotate-secret`, { token: owner.accessToken })
    expect(rotated.status).toBe(200)
    expect(rotated.body.secret).not.toBe(hook.secret)
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000)

    const again = await api('POST', `/v1/webhooks/${hook.id}/deliveries/${queued.body.id}/redeliver`, { token: owner.accessToken })
    expect(again.status).toBe(202)
    expect(again.body).toMatchObject({ id: queued.body.id, status: 'pending' })
    const second = (await waitFor('the redelivery', () => rx.at('/ping').length >= 2 && rx.at('/ping')))[1]
    expect(second.body).toBe(first.body)
    expect(second.headers.get('livedrop-event-id')).toBe(ping.id)
    for (const secret of [rotated.body.secret, hook.secret]) {
      expect((await verifyWebhook(second.body, second.headers.get('livedrop-signature'), secret)).id).toBe(ping.id)
    }
    const other = await registerCreator(api)
    const refused = await api('POST', `/v1/webhooks/${hook.id}/deliveries/${queued.body.id}/redeliver`, { token: other.accessToken })
    expect(refused.status).toBe(404)
  })

  test('an endpoint failing past WEBHOOKS_DISABLE_AFTER_SEC is disabled; enabling it again restarts the clock', async () => {
    const owner = await registerCreator(api)
    rx.plan('/dead', () => 'fail')
    const hook = await createHook(owner.accessToken, '/dead')
    await deps.sql`update webhook_endpoints set failing_since = now() - interval '2 hours' where id = ${hook.id}`
    await api('POST', `/v1/webhooks/${hook.id}/test`, { token: owner.accessToken })
    const disabled = await waitFor('the endpoint disabled', async () => {
      const w = (await api('GET', `/v1/webhooks/${hook.id}`, { token: owner.accessToken })).body
      return !w.enabled && w
    })
    expect(disabled.disabledAt).not.toBeNull()
    // The owner is told: a stored notification, through the outbox and the notifier like every other.
    const note = await waitFor('the owner notified', async () => {
      await deps.live.notifierTick()
      return (await api('GET', '/v1/me/notifications', { token: owner.accessToken })).body.items.find((n: any) => n.type === 'webhook.disabled')
    })
    expect(note).toMatchObject({ type: 'webhook.disabled', readAt: null, data: { webhookId: hook.id, url: rx.url('/dead') } })
    const seen = rx.at('/dead').length
    await Bun.sleep(500)
    expect(rx.at('/dead').length).toBe(seen) // no more attempts while disabled
    const enabled = await api('PATCH', `/v1/webhooks/${hook.id}`, { token: owner.accessToken, body: { enabled: true } })
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null })
  })
})
