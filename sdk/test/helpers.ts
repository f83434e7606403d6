import { expect } from 'bun:test'
import { createTestContext, unique, type TestContext } from '../../server/test/helpers'
import { validateResponse } from '../../server/src/contract/validate'
import { createLiveDrop, type LiveDropOptions, type TokenPair } from '../src/index'

export { unique }

export const BASE_URL = 'http://livedrop.test'

export interface SdkContext extends TestContext {
  /** In-process fetch into the real app; every JSON response is checked against openapi.yaml. */
  fetch: (input: Request, init?: RequestInit) => Promise<Response>
  /** Every request the SDK sent, in order. */
  requests: Request[]
  sdk(opts?: Partial<LiveDropOptions>): ReturnType<typeof createLiveDrop>
  /** A fresh user, logged in through the SDK. */
  user(): Promise<{ ld: ReturnType<typeof createLiveDrop>; email: string; password: string; username: string; userId: string }>
  /** A fresh user who is also a creator. */
  creator(): Promise<{ ld: ReturnType<typeof createLiveDrop>; creatorId: string; userId: string }>
}

export function createSdkContext(overrides: Parameters<typeof createTestContext>[0] = {}): SdkContext {
  const ctx = createTestContext(overrides)
  const requests: Request[] = []
  const fetch = async (input: Request, init?: RequestInit) => {
    const req = new Request(input, init)
    requests.push(req.clone())
    const res = await ctx.app.handle(req)
    const type = res.headers.get('content-type')
    if (!type?.startsWith('text/event-stream')) {
      const text = await res.clone().text()
      const { pathname } = new URL(req.url)
      const problems = validateResponse(req.method, pathname, res.status, text === '' ? null : type, text === '' ? undefined : /json/.test(type ?? '') ? JSON.parse(text) : text)
      if (problems.length) throw new Error(`response breaks the contract:\n  ${problems.join('\n  ')}\nbody: ${text.slice(0, 500)}`)
    }
    return res
  }
  const sdk = (opts: Partial<LiveDropOptions> = {}) => createLiveDrop({ baseUrl: BASE_URL, fetch, ...opts })
  const user = async () => {
    const ld = sdk()
    const username = unique('sdk_')
    const email = `${username}@example.test`
    const password = 'correct horse battery'
    const { data, error } = await ld.register({ username, email, password })
    expect(error).toBeUndefined()
    return { ld, email, password, username, userId: data!.user.id }
  }
  const creator = async () => {
    const u = await user()
    const { data, error } = await u.ld.POST('/v1/creators', { body: { handle: unique('c').toLowerCase(), displayName: 'SDK Creator' } })
    expect(error).toBeUndefined()
    return { ld: u.ld, creatorId: data!.id, userId: u.userId }
  }
  return { ...ctx, fetch, requests, sdk, user, creator }
}

/** The pair with its access token replaced by a well-formed JWT that looks valid for an hour and that the server rejects. */
export function withRejectedAccessToken(pair: TokenPair): TokenPair {
  const now = Math.floor(Date.now() / 1000)
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
  const claims = { sub: '01900000-0000-7000-8000-000000000000', iat: now, exp: now + 3600 }
  return { ...pair, accessToken: `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.${'A'.repeat(43)}` }
}

/** A stream body that passes `events` whole event frames, then half of the next one, then fails like a dropped connection. */
export function cutAfter(res: Response, events: number): Response {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  let buf = ''
  let passed = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      // Loop until something can be handed on: a pull that enqueues nothing is not called again.
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return ctrl.close()
        buf += decoder.decode(value, { stream: true })
        let out = ''
        let i: number
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i + 2)
          const isEvent = /^data:/m.test(block)
          if (isEvent && passed === events) {
            ctrl.enqueue(encoder.encode(out + block.slice(0, Math.floor(block.length / 2))))
            await reader.cancel()
            return ctrl.error(new TypeError('network connection lost'))
          }
          if (isEvent) passed++
          out += block
          buf = buf.slice(i + 2)
        }
        if (out) return ctrl.enqueue(encoder.encode(out))
      }
    },
    cancel: () => reader.cancel(),
  })
  return new Response(body, { status: res.status, headers: res.headers })
}
