/**
 * The few API calls the runner makes outside the measured traffic: seeding, waiting for a drop to go live,
 * auditing. Plain fetch, so it runs in Node 20+ as well as Bun. Errors are values until a caller decides
 * the run cannot go on (then `must` throws with the problem body, which names the cause).
 */

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

  return { baseUrl, call, must }
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
