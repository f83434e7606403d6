import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Admission tokens: `<payload>.<HMAC-SHA256>` in base64url, the payload binding the token to one buyer, one
 * drop and an expiry. A buyer is admitted at most once per drop, so (drop, buyer) also names the token for
 * single use (queue/store.ts `consume`), and any instance can re-create a buyer's token from the line's state.
 */
export interface AdmissionClaims {
  dropId: string
  userId: string
  expiresAtMs: number
}

export function createAdmissionTokens(secret: string) {
  const mac = (payload: string) => createHmac('sha256', secret).update(`livedrop-admission.${payload}`).digest()
  return {
    sign(c: AdmissionClaims): string {
      const payload = Buffer.from(JSON.stringify({ d: c.dropId, u: c.userId, e: c.expiresAtMs })).toString('base64url')
      return `${payload}.${mac(payload).toString('base64url')}`
    },
    /** → the claims of an authentic token (expired or not), null for anything forged or malformed. */
    verify(token: string): AdmissionClaims | null {
      const [payload, sig, extra] = token.split('.')
      if (!payload || !sig || extra !== undefined) return null
      const given = Buffer.from(sig, 'base64url')
      const want = mac(payload)
      if (given.length !== want.length || !timingSafeEqual(given, want)) return null
      try {
        const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
        if (typeof p.d !== 'string' || typeof p.u !== 'string' || !Number.isSafeInteger(p.e)) return null
        return { dropId: p.d, userId: p.u, expiresAtMs: p.e }
      } catch {
        return null
      }
    },
  }
}

export type AdmissionTokens = ReturnType<typeof createAdmissionTokens>
