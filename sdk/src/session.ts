/** Any WHATWG fetch: the global one, a test's in-process handler, a fetch with a proxy agent. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>

export interface TokenPair {
  accessToken: string
  refreshToken: string
}

export type RefreshOutcome = { ok: true } | { ok: false; response: Response }

export interface Session {
  readonly tokens: TokenPair | null
  setTokens(tokens: TokenPair | null): void
  /** Exchanges the refresh token; concurrent callers share one request. */
  refresh(): Promise<RefreshOutcome>
  /** fetch that adds `Authorization` to API calls and refreshes once on expiry or 401. */
  fetch: FetchLike
}

const NO_AUTH_PATHS = ['/v1/auth/']

/**
 * Holds the token pair and wraps fetch with it.
 *
 * Refresh tokens rotate and presenting a used one revokes the whole family on the server, so two refreshes with
 * the same token would log the user out. Hence single flight: every caller that finds the access token expired,
 * or gets a 401, awaits the one refresh in progress; and a 401 to a request sent with a token that has since
 * been replaced is retried with the new token instead of refreshing again.
 */
export function createSession(opts: {
  baseUrl: string
  fetch: FetchLike
  tokens?: TokenPair | null
  onTokens?: (tokens: TokenPair | null) => void
}): Session {
  let tokens: TokenPair | null = opts.tokens ?? null
  let inFlight: Promise<{ ok: true } | { ok: false; status: number; statusText: string; headers: Headers; body: string }> | null = null

  const setTokens = (next: TokenPair | null) => {
    tokens = next
    opts.onTokens?.(next)
  }

  async function refresh(): Promise<RefreshOutcome> {
    if (!inFlight) {
      const refreshToken = tokens?.refreshToken
      inFlight = (async () => {
        const res = await opts.fetch(new Request(`${opts.baseUrl}/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ refreshToken: refreshToken ?? '' }),
        }))
        if (res.ok) {
          const session = (await res.json()) as TokenPair
          setTokens({ accessToken: session.accessToken, refreshToken: session.refreshToken })
          return { ok: true as const }
        }
        // 4xx: the refresh token is unusable (expired, revoked, reused); the pair is dead, forget it.
        // 429/5xx: the token may still be good; keep it so that a later call can try again.
        if (res.status < 500 && res.status !== 429) setTokens(null)
        return { ok: false as const, status: res.status, statusText: res.statusText, headers: res.headers, body: await res.text() }
      })().finally(() => {
        inFlight = null
      })
    }
    const out = await inFlight
    if (out.ok) return out
    // Each waiter gets its own copy of the server's refusal (a body can be read once).
    return { ok: false, response: new Response(out.body, { status: out.status, statusText: out.statusText, headers: out.headers }) }
  }

  function wantsAuth(req: Request): boolean {
    if (!req.url.startsWith(opts.baseUrl + '/')) return false // never send the token to another origin
    if (req.headers.has('authorization')) return false // the caller chose its own credentials
    const path = req.url.slice(opts.baseUrl.length)
    return !NO_AUTH_PATHS.some((p) => path.startsWith(p))
  }

  const withAuth = (req: Request, accessToken: string) => {
    const headers = new Headers(req.headers)
    headers.set('authorization', `Bearer ${accessToken}`)
    return new Request(req, { headers })
  }

  async function authFetch(input: Request, init?: RequestInit): Promise<Response> {
    const req = init ? new Request(input, init) : input
    if (!tokens || !wantsAuth(req)) return opts.fetch(req)
    if (isExpiring(tokens.accessToken)) {
      const r = await refresh()
      if (!r.ok) return r.response
      if (!tokens) return opts.fetch(req)
    }
    const used = tokens.accessToken
    const again = req.clone() // the body of `req` is consumed by the first attempt
    const first = await opts.fetch(withAuth(req, used))
    if (first.status !== 401 || !tokens) return first
    if (tokens.accessToken === used) {
      const r = await refresh()
      if (!r.ok) {
        await first.body?.cancel()
        return r.response
      }
    }
    if (!tokens) return first
    await first.body?.cancel()
    return opts.fetch(withAuth(again, tokens.accessToken))
  }

  return {
    get tokens() {
      return tokens
    },
    setTokens,
    refresh,
    fetch: authFetch,
  }
}

/**
 * True when the JWT's `exp` is past or within a small margin (a quarter of its life, at most 5 s) so that a
 * request does not leave with a token that dies on the way. Unreadable tokens are left to the server's 401.
 */
export function isExpiring(jwt: string, now = Date.now()): boolean {
  const claims = decodeJwtClaims(jwt)
  if (typeof claims?.exp !== 'number') return false
  const life = typeof claims.iat === 'number' ? claims.exp - claims.iat : 60
  const marginMs = Math.min(5_000, (life * 1000) / 4)
  return claims.exp * 1000 - marginMs <= now
}

function decodeJwtClaims(jwt: string): { exp?: unknown; iat?: unknown } | null {
  const part = jwt.split('.')[1]
  if (!part) return null
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return null
  }
}
