import { createLiveDrop, type FetchLike, type LiveDrop, type TokenPair } from '@livedrop/sdk'
import { configDir, createConfigStore, type ConfigStore } from './config'
import { authRequired, UsageError } from './errors'
import { palette, type Palette, type Stream } from './output'

export const DEFAULT_API_URL = 'http://localhost:3000'

/** Everything a run of the CLI gets from outside; `main` receives it, tests build their own. */
export interface Runtime {
  env: Record<string, string | undefined>
  stdout: Stream
  stderr: Stream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
  /** The API transport; tests pass `(input, init) => app.handle(new Request(input, init))`. */
  fetch?: FetchLike
  now?: () => number
  /** Aborted on Ctrl-C: long-running commands (`drops watch`) stop and clean up. */
  signal?: AbortSignal
}

/** The options every command takes (root flags). */
export interface GlobalOptions {
  apiUrl?: string
  profile?: string
  json?: boolean
  color?: boolean
}

export interface Context {
  readonly rt: Runtime
  readonly json: boolean
  readonly profileName: string
  readonly apiUrl: string
  /** Where the token in use comes from. */
  readonly tokenSource: 'env' | 'profile' | null
  readonly config: ConfigStore
  /** Colours for stdout and for stderr (each on only when that stream is a terminal). */
  readonly out: Palette
  readonly err: Palette
  readonly signal: AbortSignal
  now(): number
  /** The SDK client for this profile (created once). */
  sdk(): LiveDrop
  /** The SDK client, or exit code 4 when there is no token at all. */
  authed(): LiveDrop
  /** Writes a command's result: `value` as JSON with --json, else the human rendering. */
  print(value: unknown, human: () => string): void
  /** A status line for the person at the keyboard (stderr). */
  info(message: string): void
}

const colorAllowed = (g: GlobalOptions, env: Runtime['env'], stream: Stream) =>
  g.color !== false && !env.NO_COLOR && env.TERM !== 'dumb' && Boolean(stream.isTTY)

/**
 * Resolves settings once, in this order (first wins): flags, environment, the profile in the config file,
 * defaults. API URL: --api-url, LIVEDROP_API_URL, profile, http://localhost:3000. Profile: --profile,
 * LIVEDROP_PROFILE, "default". Token: LIVEDROP_TOKEN, then the profile's saved login.
 */
export function createContext(rt: Runtime, g: GlobalOptions): Context {
  const env = rt.env
  const profileName = g.profile ?? (env.LIVEDROP_PROFILE || 'default')
  const config = createConfigStore(configDir(env))
  const profile = config.profile(profileName)
  const apiUrl = normaliseApiUrl(g.apiUrl ?? (env.LIVEDROP_API_URL || profile.apiUrl || DEFAULT_API_URL))
  const envToken = env.LIVEDROP_TOKEN?.trim() || undefined
  const tokens: TokenPair | null = !envToken && profile.accessToken && profile.refreshToken ? { accessToken: profile.accessToken, refreshToken: profile.refreshToken } : null
  const tokenSource = envToken ? 'env' : tokens ? 'profile' : null
  const json = Boolean(g.json)
  const out = palette(colorAllowed(g, env, rt.stdout))
  const err = palette(colorAllowed(g, env, rt.stderr))
  let client: LiveDrop | null = null

  const sdk = () =>
    (client ??= createLiveDrop({
      baseUrl: apiUrl,
      fetch: envToken ? withStaticToken(apiUrl, envToken, rt.fetch) : rt.fetch,
      tokens,
      // Refreshed pairs are saved so the next command starts with them (refresh tokens rotate: the old one is dead).
      onTokens: (next) => {
        if (tokenSource !== 'profile') return
        config.update(profileName, (p) => ({ ...p, accessToken: next?.accessToken, refreshToken: next?.refreshToken }))
      },
    }))

  return {
    rt,
    json,
    profileName,
    apiUrl,
    tokenSource,
    config,
    out,
    err,
    signal: rt.signal ?? new AbortController().signal,
    now: rt.now ?? Date.now,
    sdk,
    authed() {
      if (!tokens && !envToken) throw authRequired()
      return sdk()
    },
    print(value, human) {
      rt.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human())
    },
    info(message) {
      rt.stderr.write(message + '\n')
    },
  }
}

/**
 * LIVEDROP_TOKEN is a bare access token: there is no refresh token to rotate, so it is not handed to the SDK's
 * session (which would try to refresh on a 401 and answer with that refusal instead). It is sent as a header the
 * session leaves alone, to the API's own origin only, and a 401 comes back as the 401 it is.
 */
function withStaticToken(apiUrl: string, token: string, base: FetchLike | undefined): FetchLike {
  const send: FetchLike = base ?? ((input, init) => globalThis.fetch(input, init))
  return (input, init) => {
    const req = init ? new Request(input, init) : input
    if (!req.url.startsWith(apiUrl + '/') || req.url.startsWith(apiUrl + '/v1/auth/') || req.headers.has('authorization')) return send(req)
    const headers = new Headers(req.headers)
    headers.set('authorization', `Bearer ${token}`)
    return send(new Request(req, { headers }))
  }
}

function normaliseApiUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--api-url: "${raw}" is not a URL`, 'Example: --api-url https://api.livedrop.example')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api-url: "${raw}" must be http or https`)
  return url.toString().replace(/\/+$/, '')
}
