import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Signing secrets. The server must sign with the secret itself, so unlike a password it cannot keep only a
 * hash: it keeps the secret sealed (AES-256-GCM, random 96-bit nonce, authenticated) under a key derived with
 * HKDF from configuration (WEBHOOKS_SECRET_KEY, else JWT_SECRET under a label of its own). A copy of the
 * database alone reveals no secret; a tampered sealed value fails to open instead of signing with garbage.
 */
export interface Sealer {
  seal(secret: string): Buffer
  open(sealed: Buffer): string
}

export function createSealer(keyMaterial: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', keyMaterial, 'livedrop', 'webhook signing secrets v1', 32))
  return {
    seal(secret) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      return Buffer.concat([iv, ct, cipher.getAuthTag()])
    },
    open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
      decipher.setAuthTag(sealed.subarray(sealed.length - 16))
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8')
    },
  }
}

/** 256 random bits; the prefix tells a leaked string apart at a glance (secret scanners key on it). */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, one `v1` per secret (the current one first, then a
 * rotated-out one still in its grace period), as Stripe does: the receiver accepts when any matches.
 */
export function signatureHeader(body: string, secrets: string[], t = Math.floor(Date.now() / 1000)): string {
  const sigs = secrets.map((s) => `v1=${createHmac('sha256', s).update(`${t}.${body}`).digest('hex')}`)
  return [`t=${t}`, ...sigs].join(',')
}
