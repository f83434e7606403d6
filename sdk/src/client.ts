import createClient, { type Client } from 'openapi-fetch'
import type { paths, components } from './schema.js'
import { createSession, type FetchLike, type RefreshOutcome, type TokenPair } from './session.js'
import { createOrder, type CreateOrderBody, type CreateOrderOptions } from './orders.js'
import { paginate, type ListInit, type ListItem, type ListPath } from './paginate.js'
import { uploadProductImage, type UploadProductImageOptions, type UploadProductImageResult } from './images.js'
import { fetchTicket, isPersonal, streamPath, subscribe, type DropEvent, type MeEvent, type QueueEvent, type StreamTarget, type SubscribeOptions, type WebhookStreamEvent } from './events.js'
import { createAdmissions, joinQueue, type QueueJoinOptions, type QueuePlace } from './queue.js'

export interface LiveDropOptions {
  /** Where the API lives, e.g. `https://api.livedrop.example` (no `/v1`). */
  baseUrl: string
  /** Defaults to the global fetch. Tests pass `(input, init) => app.handle(new Request(input, init))`. */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>
  /** A token pair saved from an earlier session. */
  tokens?: TokenPair | null
  /** Called whenever the pair changes (log-in, refresh, log-out, refresh refused → null): persist it here. */
  onTokens?: (tokens: TokenPair | null) => void
}

type AuthBody<Op extends 'login' | 'register'> = Op extends 'login' ? components['schemas']['LoginRequest'] : components['schemas']['RegisterRequest']

export interface LiveDrop extends Client<paths> {
  /** The underlying openapi-fetch client (typed path calls: `GET`, `POST`, `PATCH`, `DELETE`…). */
  readonly client: Client<paths>
  /** The current token pair, or null when logged out. */
  readonly tokens: TokenPair | null
  setTokens(tokens: TokenPair | null): void
  /** fetch with the SDK's auth (Bearer header, single-flight refresh on expiry or 401), for raw calls. */
  readonly fetch: FetchLike
  /** Creates an account and keeps its token pair. */
  register(body: AuthBody<'register'>): ReturnType<typeof postRegister>
  /** Logs in and keeps the token pair. */
  login(body: AuthBody<'login'>): ReturnType<typeof postLogin>
  /** Revokes the refresh token's family on the server and forgets the pair. */
  logout(): Promise<void>
  /** Exchanges the refresh token now (the SDK also does it by itself when needed). */
  refresh(): Promise<RefreshOutcome>
  /** `POST /v1/orders` with an Idempotency-Key reused on every retry. */
  createOrder(body: CreateOrderBody, opts?: CreateOrderOptions): ReturnType<typeof createOrder>
  /**
   * Adds an image to one of the caller's products in one call: reserves it, sends the bytes to the presigned
   * upload URL (S3 or the server's own storage), and has the server verify and attach it. → the `ProductImage`
   * (thumb and display variants, WebP and AVIF) or the refusal as `{ error }`. A `File`, a `Blob`, `Bun.file(path)`
   * or Node's `await fs.openAsBlob(path)`.
   */
  uploadProductImage(productId: string, file: Blob, opts?: UploadProductImageOptions): Promise<UploadProductImageResult>
  /**
   * `GET /v1/search`: one page of ranked drops, products and creators (`{ data, error, response }`). For every
   * page, `paginate('/v1/search', { params: { query } })`.
   */
  search(query: SearchQuery, init?: { signal?: AbortSignal }): ReturnType<typeof getSearch>
  /** Every item of a list operation, page after page. */
  paginate<P extends ListPath>(path: P, init?: ListInit<P>): AsyncGenerator<ListItem<P>, void, undefined>
  subscribe(target: { dropId: string }, opts?: SubscribeOptions): AsyncGenerator<DropEvent, void, undefined>
  subscribe(target: { me: true }, opts?: SubscribeOptions): AsyncGenerator<MeEvent, void, undefined>
  /** The events of the caller's drops as their webhooks get them (creators; `GET /v1/webhooks/events`). */
  subscribe(target: { webhooks: true }, opts?: SubscribeOptions): AsyncGenerator<WebhookStreamEvent, void, undefined>
  subscribe(target: { queueOf: string }, opts?: SubscribeOptions): AsyncGenerator<QueueEvent, void, undefined>
  /**
   * The URL of a stream for a native `EventSource` (which cannot send headers): the personal, webhook event and
   * queue streams get a fresh single-use `?ticket=`.
   */
  eventSourceUrl(target: StreamTarget, opts?: { signal?: AbortSignal }): Promise<string>
  readonly queue: {
    /**
     * Joins a queued drop's waiting room: an async iterator of the caller's place (position, ahead,
     * estimatedWaitSeconds) that ends with the admitted place. Its token is then sent by itself with the next
     * order for that drop (`createOrder` or `POST /v1/orders`) and forgotten once used or expired. Solves the
     * drop's proof-of-work challenge first when it has one (in Web Workers in browsers). A line that closes
     * first throws QueueClosedError (`reason: 'sold_out'`…).
     */
    join(dropId: string, opts?: QueueJoinOptions): AsyncGenerator<QueuePlace, void, undefined>
    /** The admission token held for this drop, if any (unused and unexpired). */
    admission(dropId: string): string | undefined
  }
}

/** The parameters of `GET /v1/search` (`q` and the optional `type`, filters, `limit`, `cursor`). */
export type SearchQuery = paths['/v1/search']['get']['parameters']['query']
const getSearch = (c: Client<paths>, query: SearchQuery, init?: { signal?: AbortSignal }) =>
  c.GET('/v1/search', { params: { query }, signal: init?.signal })
const postLogin = (c: Client<paths>, body: AuthBody<'login'>) => c.POST('/v1/auth/login', { body })
const postRegister = (c: Client<paths>, body: AuthBody<'register'>) => c.POST('/v1/auth/register', { body })

export function createLiveDrop(options: LiveDropOptions): LiveDrop {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  // Resolved at call time, not captured: the global fetch may be replaced after the client is made.
  const plainFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const session = createSession({ baseUrl, fetch: plainFetch, tokens: options.tokens, onTokens: options.onTokens })
  const admissions = createAdmissions()
  const client = createClient<paths>({
    baseUrl,
    // An order on a drop we hold an admission for carries it; a final answer spends it.
    fetch: async (request: Request) => {
      const { req, dropId } = await admissions.attach(request)
      const res = await session.fetch(req)
      if (dropId) await admissions.settle(dropId, res)
      return res
    },
  })
  const streams = { baseUrl, authFetch: session.fetch, plainFetch }

  const keep = <R extends { data?: { accessToken: string; refreshToken: string } }>(r: R): R => {
    if (r.data) session.setTokens({ accessToken: r.data.accessToken, refreshToken: r.data.refreshToken })
    return r
  }

  return {
    ...client,
    client,
    get tokens() {
      return session.tokens
    },
    setTokens: session.setTokens,
    fetch: session.fetch,
    register: async (body) => keep(await postRegister(client, body)),
    login: async (body) => keep(await postLogin(client, body)),
    async logout() {
      const refreshToken = session.tokens?.refreshToken
      session.setTokens(null)
      if (refreshToken) await client.POST('/v1/auth/logout', { body: { refreshToken } })
    },
    refresh: session.refresh,
    createOrder: (body, opts) => createOrder(client, body, opts),
    search: (query, init) => getSearch(client, query, init),
    paginate: (path, init) => paginate(client, path, init),
    uploadProductImage: (productId, file, opts) => uploadProductImage(client, plainFetch, productId, file, opts),
    subscribe: ((target: StreamTarget, opts?: SubscribeOptions) => subscribe(streams, target, opts)) as LiveDrop['subscribe'],
    async eventSourceUrl(target, opts) {
      const url = new URL(baseUrl + streamPath(target))
      if (isPersonal(target)) url.searchParams.set('ticket', await fetchTicket(streams, opts?.signal))
      return url.toString()
    },
    queue: {
      join: (dropId, opts) => joinQueue({ client, streams, admissions }, dropId, opts),
      admission: (dropId) => admissions.get(dropId),
    },
  }
}
