import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { signWebhook, verifyWebhook, WebhookVerificationError } from './index'
import { signatureHeader } from '../../server/src/webhooks/secrets'

const secret = 'whsec_test_secret_0123456789'
const body = JSON.stringify({ id: 'evt_42', type: 'order.confirmed', createdAt: '2026-12-02T04:00:00.000Z', creatorId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', dropId: null, data: { availableStock: 3 } })
const sign = (t: number, b = body, s = secret) => createHmac('sha256', s).update(`${t}.${b}`).digest('hex')
const now = 1_800_000_000

async function reason(p: Promise<unknown>) {
  try {
    await p
    return 'accepted'
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError)
    return (err as WebhookVerificationError).reason
  }
}

describe('verifyWebhook', () => {
  test('a correctly signed body gives back the typed event', async () => {
    const event = await verifyWebhook(body, `t=${now},v1=${sign(now)}`, secret, { now })
    expect(event).toEqual(JSON.parse(body))
    expect(event.type).toBe('order.confirmed')
  })

  test('bytes work as well as a string', async () => {
    expect((await verifyWebhook(new TextEncoder().encode(body), `t=${now},v1=${sign(now)}`, secret, { now })).id).toBe('evt_42')
  })

  test('during a rotation either secret verifies (any v1 may match)', async () => {
    const header = `t=${now},v1=${sign(now, body, 'whsec_new')},v1=${sign(now)}`
    expect((await verifyWebhook(body, header, secret, { now })).id).toBe('evt_42')
    expect((await verifyWebhook(body, header, 'whsec_new', { now })).id).toBe('evt_42')
  })

  test('refusals name their reason', async () => {
    expect(await reason(verifyWebhook(body, undefined, secret, { now }))).toBe('missing_header')
    expect(await reason(verifyWebhook(body, 'garbage', secret, { now }))).toBe('malformed_header')
    expect(await reason(verifyWebhook(body, `v1=${sign(now)}`, secret, { now }))).toBe('malformed_header')
    expect(await reason(verifyWebhook(body, `t=${now},v1=${sign(now)}`, 'whsec_other', { now }))).toBe('signature_mismatch')
    expect(await reason(verifyWebhook(body.replace('3', '4'), `t=${now},v1=${sign(now)}`, secret, { now }))).toBe('signature_mismatch')
    // The timestamp is signed: moving it invalidates the signature; an old but genuine one is a replay.
    expect(await reason(verifyWebhook(body, `t=${now + 1},v1=${sign(now)}`, secret, { now }))).toBe('signature_mismatch')
    expect(await reason(verifyWebhook(body, `t=${now - 301},v1=${sign(now - 301)}`, secret, { now }))).toBe('timestamp_outside_tolerance')
    expect(await reason(verifyWebhook(body, `t=${now - 301},v1=${sign(now - 301)}`, secret, { now, toleranceSeconds: 600 }))).toBe('accepted')
    expect(await reason(verifyWebhook('not json', `t=${now},v1=${sign(now, 'not json')}`, secret, { now }))).toBe('malformed_body')
  })
})

describe('signWebhook', () => {
  test('signs exactly as the server does (one scheme), and verifyWebhook accepts it under each secret', async () => {
    const other = 'whsec_previous_secret'
    const header = await signWebhook(body, [secret, other], { timestamp: now })
    expect(header).toBe(signatureHeader(body, [secret, other], now))
    expect(header).toBe(`t=${now},v1=${sign(now)},v1=${sign(now, body, other)}`)
    for (const s of [secret, other]) expect((await verifyWebhook(body, header, s, { now })).id).toBe('evt_42')
    expect(await reason(verifyWebhook(body, await signWebhook(body, 'whsec_wrong', { timestamp: now }), secret, { now }))).toBe('signature_mismatch')
    const fresh = await signWebhook(body, secret)
    expect((await verifyWebhook(body, fresh, secret)).id).toBe('evt_42')
  })
})
