import { expect } from 'bun:test'
import { createTestContext, unique, type TestContext } from '../../server/test/helpers'
import { validateResponse } from '../../server/src/contract/validate'
import { createLiveDrop, type LiveDropOptions } from '../src/index'

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
