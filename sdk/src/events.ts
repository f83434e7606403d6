import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { LiveDropError, readProblem } from './errors.js'
import { isNetworkError, parseRetryAfter, sleep } from './retry.js'
import type { FetchLike } from './session.js'
import type { components } from './schema.js'

/**
 * Event names of the two streams (openapi.yaml, `streamDropEvents` / `streamMyEvents`). Each stream opens with
 * `state` (the current state) and sends `reset` (the current state again) to a client too far behind to replay.
 */
export type DropEventType = components['schemas']['DropStreamEvent']['type']
export type MeEventType = components['schemas']['MeStreamEvent']['type']

export interface LiveDropEvent<T extends string = string> {
  /** The server's event id (what a reconnection sends as `Last-Event-ID`). */
  id: string | undefined
  type: T | (string & {})
  /** The event's payload: the `data` of the server's `{type, dropId?, data, createdAt}` envelope. */
  data: unknown
  /** The drop the event is about (drop stream). */
  dropId?: string
  /** When the event happened (RFC 3339). */
  createdAt?: string
  /**
   * Webhook event stream only: the `data:` line exactly as the server sent it, the `WebhookEvent` body a webhook
   * delivery of the event carries (what `livedrop listen` signs and forwards).
   */
  raw?: string
}

/** One typed event per variant of the contract's envelope schema: narrowing on `type` types `data`. */
type Typed<U> = U extends { type: infer T; data: infer D } ? { id: string | undefined; type: T; data: D; dropId?: string; createdAt?: string } : never

/**
 * Events of a drop stream, typed from the contract (`DropStreamEvent`): `if (e.type === 'drop.stock')
 * e.data.availableStock`. A newer server may add event types; handle them in a default branch.
 */
export type DropEvent = Typed<components['schemas']['DropStreamEvent']>
/** Events of the personal stream, typed from the contract (`MeStreamEvent`). */
export type MeEvent = Typed<components['schemas']['MeStreamEvent']>
/**
 * Events of the creator's webhook event stream (`WebhookStreamEvent`): `state`/`reset`, each webhook event
 * (`raw` is its delivery body; `JSON.parse(raw)` is the `WebhookEvent`), and `stream.closed`.
 */
export type WebhookStreamEvent = Typed<components['schemas']['WebhookStreamEvent']> & { raw: string }

/** Events of the caller's place in a drop's waiting room, typed from the contract (`QueueStreamEvent`). */
export type QueueEvent = Typed<components['schemas']['QueueStreamEvent']>

/** A drop's public stream, the caller's personal stream, the events of the caller's drops as webhooks get them, or the caller's place in a drop's waiting room. */
export type StreamTarget = { dropId: string } | { me: true } | { webhooks: true } | { queueOf: string }

/** The streams bound to the caller's credentials (a ticket can stand in for the header). */
export const isPersonal = (target: StreamTarget) => 'me' in target || 'webhooks' in target || 'queueOf' in target

export interface SubscribeOptions {
  /** Ends the iteration (and the connection) when aborted. Breaking out of `for await` does too. */
  signal?: AbortSignal
  /** Resume after this event id, e.g. one saved before a page reload. */
  lastEventId?: string
  /**
   * Personal, webhook and queue streams: `header` sends the access token (default); `ticket` fetches a single-use ticket
   * (`POST /v1/realtime/tickets`) before each connection and sends `?ticket=` instead, for environments whose
   * proxies or gateways drop `Authorization` on streaming requests.
   */
  auth?: 'header' | 'ticket'
  /** Wait before reconnecting until the server sets its own with `retry:`. Default 1000 ms. */
  retryMs?: number
  /** Ceiling of the backoff when reconnections keep failing. Default 30 000 ms. */
  maxRetryMs?: number
  /** Reconnect when nothing (not even a heartbeat) arrives for this long. Default 60 000 ms; 0 disables. */
  idleTimeoutMs?: number
}

export interface StreamDeps {
  baseUrl: string
  /** Authenticating fetch (Bearer header, refresh on 401). */
  authFetch: FetchLike
  /** Plain fetch, for requests that must not carry the token. */
  plainFetch: FetchLike
}

export function streamPath(target: StreamTarget): string {
  if ('me' in target) return '/v1/me/events'
  if ('webhooks' in target) return '/v1/webhooks/events'
  if ('queueOf' in target) return `/v1/drops/${encodeURIComponent(target.queueOf)}/queue/events`
  return `/v1/drops/${encodeURIComponent(target.dropId)}/events`
}

/** A single-use ticket for the personal or a queue stream (`POST /v1/realtime/tickets` → `{ ticket, expiresAt }`). */
export async function fetchTicket(deps: StreamDeps, signal?: AbortSignal): Promise<string> {
  const res = await deps.authFetch(new Request(`${deps.baseUrl}/v1/realtime/tickets`, { method: 'POST', headers: { accept: 'application/json' }, signal }))
  if (!res.ok) throw new LiveDropError(res, await readProblem(res))
  const body = (await res.json()) as { ticket: string }
  return body.ticket
}

/**
 * An async iterator over a Server-Sent Events stream, over fetch (so it runs in browsers, Node and Bun alike
 * and can send headers, which EventSource cannot).
 *
 * Exactly-once across reconnections: the id of each event is recorded *before* the event is handed to the
 * caller, and every reconnection sends the last id as `Last-Event-ID`; the server replays what came after it.
 * So an interruption between two events neither loses nor repeats one. The server's `retry:` sets the wait
 * before reconnecting; repeated failures back off exponentially from there. A refusal (404 unknown drop,
 * 401 after a failed refresh, 403) ends the iteration with a LiveDropError; a 204 ends it quietly (SSE's
 * "do not reconnect").
 *
 * `stream.closed` (personal stream) is the server ending the stream on purpose. `token_expired` is handled
 * here: the iterator reconnects at once, and the session's fetch refreshes the token on the way (the caller sees
 * nothing but the events). `logged_out` / `session_revoked` mean the session is over: that event is yielded, so
 * the caller learns why, and the iteration ends.
 */
export async function* subscribe<T extends string = string>(deps: StreamDeps, target: StreamTarget, opts: SubscribeOptions = {}): AsyncGenerator<LiveDropEvent<T>, void, undefined> {
  const outer = opts.signal
  const maxRetryMs = opts.maxRetryMs ?? 30_000
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000
  let retryMs = opts.retryMs ?? 1000
  let lastEventId = opts.lastEventId
  let failures = 0 // connections in a row that delivered no event
  const keepRaw = 'webhooks' in target // its lines are webhook bodies, forwarded byte for byte

  /**
   * Waits before the next connection; false when the caller aborted meanwhile. Jittered from the first retry
   * on (half to all of the wait): when a server drains or dies, its thousands of clients must not all come
   * back in the same instant.
   */
  const pause = async (serverAskedMs?: number) => {
    const backoff = (failures <= 1 ? retryMs : Math.min(maxRetryMs, retryMs * 2 ** (failures - 1))) * (0.5 + Math.random() / 2)
    try {
      await sleep(Math.max(backoff, serverAskedMs ?? 0), outer)
      return true
    } catch {
      return false
    }
  }

  while (!outer?.aborted) {
    const conn = new AbortController()
    const stop = () => conn.abort(outer?.reason)
    outer?.addEventListener('abort', stop, { once: true })
    let idle: ReturnType<typeof setTimeout> | undefined
    let reconnectNow = false // the server ended the stream because the token expired: no pause
    try {
      const url = new URL(deps.baseUrl + streamPath(target))
      const headers = new Headers({ accept: 'text/event-stream', 'cache-control': 'no-cache' })
      if (lastEventId !== undefined) headers.set('last-event-id', lastEventId)
      let fetchFn = deps.authFetch
      let res: Response
      try {
        if (isPersonal(target) && opts.auth === 'ticket') {
          url.searchParams.set('ticket', await fetchTicket(deps, conn.signal))
          fetchFn = deps.plainFetch
        }
        res = await fetchFn(new Request(url, { headers, signal: conn.signal }))
      } catch (err) {
        if (outer?.aborted) return
        const busy = err instanceof LiveDropError && isTransient(err.status) // the ticket request was turned away
        if (!busy && !isNetworkError(err)) throw err
        failures++
        if (await pause(busy ? parseRetryAfter(err.response.headers.get('retry-after')) : undefined)) continue
        return
      }
      if (res.status === 204) return
      if (!res.ok) {
        if (isTransient(res.status)) {
          await res.body?.cancel().catch(() => {})
          failures++
          if (await pause(parseRetryAfter(res.headers.get('retry-after')))) continue
          return
        }
        throw new LiveDropError(res, await readProblem(res))
      }
      if (!res.body || !/^text\/event-stream/i.test(res.headers.get('content-type') ?? '')) {
        throw new LiveDropError(res, await readProblem(res))
      }

      const pending: EventSourceMessage[] = []
      const parser = createParser({
        onEvent: (e) => pending.push(e),
        onRetry: (ms) => {
          retryMs = ms
        },
      })
      const reader = res.body.getReader()
      const decoder = new TextDecoder()
      const armIdle = () => {
        if (!idleTimeoutMs) return
        clearTimeout(idle)
        idle = setTimeout(() => conn.abort(new Error('idle stream')), idleTimeoutMs)
      }
      failures++
      try {
        read: for (;;) {
          armIdle()
          const { value, done } = await reader.read()
          if (done) break
          parser.feed(decoder.decode(value, { stream: true }))
          while (pending.length) {
            // Events already parsed from the same chunk must not outlive the caller's abort.
            if (outer?.aborted) return
            const e = pending.shift()!
            if (e.event === 'stream.closed') {
              const closed = toEvent(e, lastEventId, keepRaw)
              if (closedReason(closed.data) === 'token_expired') {
                failures = 0
                reconnectNow = true
                break read
              }
              yield closed as LiveDropEvent<T>
              return
            }
            if (e.id !== undefined) lastEventId = e.id
            failures = 0
            clearTimeout(idle) // the caller's time with an event is not the stream's silence
            yield toEvent(e, lastEventId, keepRaw) as LiveDropEvent<T>
          }
        }
      } catch {
        // A reset, a lost network or our idle abort: reconnect below. Only the caller's abort ends the loop.
        if (outer?.aborted) return
      } finally {
        reader.cancel().catch(() => {})
      }
    } finally {
      clearTimeout(idle)
      outer?.removeEventListener('abort', stop)
      conn.abort()
    }
    if (reconnectNow) continue
    if (!(await pause())) return
  }
}

/** The `reason` of a `stream.closed` event's data (`StreamClosedData`), if it has one. */
const closedReason = (data: unknown) => (typeof data === 'object' && data !== null ? (data as { reason?: unknown }).reason : undefined)

/** Worth another connection later: rate limited, or a gateway / the server is briefly unavailable. */
const isTransient = (status: number) => status === 429 || status === 502 || status === 503 || status === 504

/**
 * The server wraps every payload as `{type, dropId?, data, createdAt}` (type repeating `event:`); unwrap it.
 * A `data:` that is not such an envelope is passed through (parsed as JSON when it is JSON).
 */
function toEvent(e: EventSourceMessage, lastEventId: string | undefined, keepRaw: boolean): LiveDropEvent {
  return keepRaw ? { ...unwrap(e, lastEventId), raw: e.data } : unwrap(e, lastEventId)
}

function unwrap(e: EventSourceMessage, lastEventId: string | undefined): LiveDropEvent {
  const type = e.event ?? 'message'
  const id = e.id ?? lastEventId
  let parsed: unknown
  try {
    parsed = JSON.parse(e.data)
  } catch {
    return { id, type, data: e.data }
  }
  if (typeof parsed === 'object' && parsed !== null && 'data' in parsed && (parsed as { type?: unknown }).type === type) {
    const env = parsed as { data: unknown; dropId?: string; createdAt?: string }
    return { id, type, data: env.data, ...(env.dropId !== undefined ? { dropId: env.dropId } : {}), ...(env.createdAt !== undefined ? { createdAt: env.createdAt } : {}) }
  }
  return { id, type, data: parsed }
}
