/**
 * The runner's API. Seeding, waiting for a drop to go live and auditing go through the SDK (`api.sdk`, typed
 * from the contract); `call`/`must` stay for the waiting room's measured traffic, timed one request at a time
 * on plain fetch. Errors are values until a caller decides the run cannot go on (then `must`/`ok` throw with
 * the problem body, which names the cause). Node 20+ as well as Bun.
 */
import { createLiveDrop, type LiveDrop } from '@livedrop/sdk'

export interface Res<T = any> {
  status: number
  body: T
  headers: Headers
}

export class ApiError extends Error {}

export function createApi(baseUrl: string) {
  async function call<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    const res = await fetch(baseUrl + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
    const text = await res.text()
    let body: any = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {}
    return { status: res.status, body, headers: res.headers }
  }

  async function must<T = any>(expected: number, method: string, path: string, opts: Parameters<typeof call>[2] = {}): Promise<T> {
    const res = await call<T>(method, path, opts)
    if (res.status !== expected) {
      const detail = typeof res.body === 'object' && res.body ? `${(res.body as any).code ?? ''} ${(res.body as any).detail ?? ''}`.trim() : String(res.body).slice(0, 200)
      throw new ApiError(`${method} ${path} → ${res.status} (expected ${expected}): ${detail}`)
    }
    return res.body
  }

  // One SDK client for the whole run: each call says whose it is with `as(token)` (no session to refresh).
  const sdk: LiveDrop = createLiveDrop({ baseUrl })
  return { baseUrl, sdk, call, must }
}

/**
 * An SDK client acting as one buyer, for what takes no per-call headers (its streams). The runner keeps only
 * buyers' access tokens: a run's stream never outlives one, so there is no refresh token to give.
 */
export const sdkFor = (api: Api, token: string): LiveDrop => createLiveDrop({ baseUrl: api.baseUrl, tokens: { accessToken: token, refreshToken: '' } })

/** Per-call credentials for an SDK call: `api.sdk.GET('/v1/me', as(token))`. */
export const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

/** An SDK answer's data, or an ApiError naming the call, its status and the problem's code and detail. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }, what: string, expected?: number): T {
  if (r.data !== undefined && (expected === undefined || r.response.status === expected)) return r.data
  const p = r.error as { code?: string; detail?: string } | undefined
  throw new ApiError(`${what} → ${r.response.status}${expected ? ` (expected ${expected})` : ''}: ${`${p?.code ?? ''} ${p?.detail ?? ''}`.trim()}`)
}

export type Api = ReturnType<typeof createApi>

/** Fails fast, with one clear line, when nothing answers at the target. */
export async function assertUp(api: Api): Promise<void> {
  try {
    const res = await fetch(`${api.baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) })
    if (res.status !== 200) throw new ApiError(`GET /healthz answered ${res.status}`)
  } catch (err) {
    throw new ApiError(`target ${api.baseUrl} is not up: ${(err as Error).message}`)
  }
}
