import type { components } from './schema.js'

/** The JSON body LiveDrop POSTs to a webhook endpoint. */
export type WebhookEvent = components['schemas']['WebhookEvent']
export type WebhookEventType = WebhookEvent['type']

export type WebhookVerificationReason = 'missing_header' | 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch' | 'malformed_body'

/** Why a webhook request was not accepted as LiveDrop's; answer it with a 400 and do not act on it. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message)
    this.name = 'WebhookVerificationError'
    this.reason = reason
  }
}

export interface VerifyWebhookOptions {
  /** how old (or how far in the future) `t=` may be, in seconds; default 300. Replays of older requests fail. */
  toleranceSeconds?: number
  /** the current time in Unix seconds (tests) */
  now?: number
}

const encoder = new TextEncoder()

/**
 * Checks a webhook request and returns its event. `rawBody` must be the body exactly as received (parse the
 * JSON only afterwards: re-serialising changes the bytes). `signatureHeader` is `LiveDrop-Signature`
 * (`t=<unix>,v1=<hex>[,v1=<hex>]`); any `v1` matching HMAC-SHA256(secret, "t.body") is accepted, so both
 * secrets work during a rotation. Web Crypto only: runs in Bun, Node ≥ 20, Deno, browsers and workers.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  if (!signatureHeader) throw new WebhookVerificationError('missing_header', 'no LiveDrop-Signature header')
  let t: number | null = null
  const signatures: string[] = []
  for (const part of signatureHeader.split(',')) {
    const eq = part.indexOf('=')
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  if (t === null || !signatures.length) throw new WebhookVerificationError('malformed_header', 'LiveDrop-Signature must be t=<unix seconds>,v1=<hex>')
  const now = options.now ?? Math.floor(Date.now() / 1000)
  const tolerance = options.toleranceSeconds ?? 300
  if (Math.abs(now - t) > tolerance) {
    throw new WebhookVerificationError('timestamp_outside_tolerance', `signature timestamp is ${now - t} s away from now (tolerance ${tolerance} s)`)
  }
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  const signed = new Uint8Array([...encoder.encode(`${t}.`), ...body])
  let matched = false
  // crypto.subtle.verify compares in constant time.
  for (const hex of signatures) {
    if (await crypto.subtle.verify('HMAC', key, hexBytes(hex), signed)) matched = true
  }
  if (!matched) throw new WebhookVerificationError('signature_mismatch', 'no v1 signature matches this secret and body')
  let event: unknown
  try {
    event = JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new WebhookVerificationError('malformed_body', 'the signed body is not JSON')
  }
  const e = event as Partial<WebhookEvent> | null
  if (!e || typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.data !== 'object') {
    throw new WebhookVerificationError('malformed_body', 'the signed body is not a LiveDrop webhook event')
  }
  return event as WebhookEvent
}

/**
 * The `LiveDrop-Signature` header LiveDrop sends with `rawBody`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "t.body">`, one `v1` per secret. For forwarding events locally (`livedrop listen`) and for testing a receiver
 * with requests that `verifyWebhook` accepts. Web Crypto only, like verifyWebhook.
 */
export async function signWebhook(rawBody: string | Uint8Array, secrets: string | string[], options: { timestamp?: number } = {}): Promise<string> {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000)
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody
  const signed = new Uint8Array([...encoder.encode(`${t}.`), ...body])
  const parts = [`t=${t}`]
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed))
    parts.push(`v1=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`)
  }
  return parts.join(',')
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(hex.length / 2))
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
