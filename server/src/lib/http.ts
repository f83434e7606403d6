import { Elysia, ValidationError } from 'elysia'
import { AppError, problemResponse, type FieldError } from '../errors'
import type { Logger } from '../logger'
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth'
import { STORABLE_TEXT } from '../contract/schemas.gen'

export const MAX_BODY_BYTES = 64 * 1024
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * An oversized body is refused, but up to this much of it is still read and dropped: a client streams its
 * body while the answer is on its way, and a connection closed with unread bytes in it is reset, which can
 * swallow the 413 before the client reads it (Bun has no lingering close). Past this, or when the
 * Content-Length says the body is bigger, the answer carries `Connection: close` and Bun drops the
 * connection instead of reading, say, a whole GiB first.
 */
const DRAIN_BYTES = 1024 * 1024

const tooLarge = (close: boolean) =>
  new AppError('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes`, close ? { headers: { connection: 'close' } } : {})

/** The body if it is at most `max` bytes; else whether the rest was read to its end (within DRAIN_BYTES). */
async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | 'drained' | 'cut'> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > DRAIN_BYTES) {
      reader.cancel().catch(() => {})
      return 'cut'
    }
    if (size <= max) chunks.push(value)
  }
  if (size > max) return 'drained'
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** The client's X-Request-Id when it is a sane token, else a fresh one. */
function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id')
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID()
}

/** A dependency is down or did not answer in time: the client should retry, not give up. */
const unavailable = (detail: string) => new AppError('SERVICE_UNAVAILABLE', detail, { headers: { 'retry-after': '2' } })
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i

/** Errors a dependency raises when it is unreachable or too slow: the client should retry, not give up. */
function isUnavailable(err: any): boolean {
  const code = err?.code
  return (
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'CONNECT_TIMEOUT' || code === 'CONNECTION_CLOSED' ||
    code === 'CONNECTION_ENDED' || code === 'CONNECTION_DESTROYED' || code === 'ETIMEDOUT' || code === 'EPIPE' ||
    // admin_shutdown, crash_shutdown, cannot_connect_now, query_canceled (statement timeout), too_many_connections
    code === '57P01' || code === '57P02' || code === '57P03' || code === '57014' || code === '53300'
  )
}

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22: a character it cannot store, a number out of range, a
 * malformed value for a type) are caused by the value sent, not by the server. The contract's validators
 * should refuse such input first (STORABLE_TEXT guards every string); this is the backstop that keeps one
 * they miss a 4xx rather than a 500.
 */
const isDataException = (err: any) => err?.name === 'PostgresError' && typeof err.code === 'string' && err.code.startsWith('22')

const storable = new RegExp(STORABLE_TEXT)
const GUARDED = `${STORABLE_TEXT}[\\s\\S]*?(?:`
/** The validator's message for a pattern quotes the generated guard; this says which half failed. */
function messageOf(e: { message: string; summary?: string; schema?: { pattern?: unknown }; value?: unknown }): string {
  const pattern = e.schema?.pattern
  if (typeof pattern === 'string' && pattern.startsWith(STORABLE_TEXT) && typeof e.value === 'string') {
    if (!storable.test(e.value)) return 'must not contain U+0000 or an unpaired UTF-16 surrogate'
    if (pattern.startsWith(GUARDED)) return `must match ${pattern.slice(GUARDED.length, -1)}`
  }
  return e.summary || e.message
}

/** Error answers bypass `set`; copying their status there lets after-response hooks (metrics, logs) see it. */
function sent(set: { status?: number | string }, res: Response): Response {
  set.status = res.status
  return res
}

function validationToAppError(err: ValidationError): AppError {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const e of err.all) {
    const path = 'path' in e ? e.path : ''
    const field = err.type === 'body' ? path || '/' : path.replace(/^\//, '') || err.type
    if (seen.has(field)) continue
    seen.add(field)
    errors.push({ field, message: messageOf(e as Parameters<typeof messageOf>[0]) })
  }
  const first = errors[0]
  if (err.type === 'body') {
    return new AppError('VALIDATION_FAILED', `Invalid body: ${first ? `${first.field}: ${first.message}` : 'does not match the schema'}`, { errors })
  }
  return new AppError('INVALID_PARAMETER', `Invalid ${err.type}: ${first ? `${first.field}: ${first.message}` : 'malformed'}`, { errors })
}

/**
 * What every route shares: request ids, strict JSON body parsing with a size cap, and the one place that turns
 * any thrown error into problem+json. Unknown errors become a bare 500: internals go to the log, never the client.
 */
export function httpBasics(log: Logger) {
  const started = new WeakMap<Request, number>()
  return new Elysia({ name: 'http-basics' })
    .onRequest(({ request, set }) => {
      set.headers['x-request-id'] = requestIdOf(request)
      // Every route, whether or not it reads a body: this is what lets the server run with Bun's own body cap
      // out of the way (main.ts), so that no 413 is Bun's plain-text one.
      const length = Number(request.headers.get('content-length') ?? 0)
      if (length > MAX_BODY_BYTES) throw tooLarge(length > DRAIN_BYTES)
      // Timing is only for the debug access log (metrics-http times every request for the histogram).
      if (log.isLevelEnabled('debug')) started.set(request, performance.now())
    })
    .onParse({ as: 'global' }, async ({ request, contentType }) => {
      const length = Number(request.headers.get('content-length') ?? 0)
      // A POST with no body at all (e.g. /cancel) is not a media-type error; routes that need a body then
      // fail their schema with a 422.
      if (!contentType && (length === 0 || request.body === null)) return undefined
      if (!JSON_TYPE.test(contentType ?? '')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { headers: { 'accept-post': 'application/json' } })
      }
      const bytes = request.body ? await readCapped(request.body, MAX_BODY_BYTES) : new Uint8Array(0)
      if (typeof bytes === 'string') throw tooLarge(bytes === 'cut')
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        throw new AppError('MALFORMED_JSON', 'The body is not valid UTF-8')
      }
      // Before parsing: a deeply nested body is refused in one bounded scan, so it can never reach validation.
      if (exceedsJsonDepth(text)) throw new AppError('JSON_TOO_DEEP', `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`)
      try {
        return JSON.parse(text)
      } catch {
        throw new AppError('MALFORMED_JSON', bytes.byteLength ? 'The body is not valid JSON' : 'The body is empty; send a JSON object')
      }
    })
    .onError({ as: 'global' }, ({ code, error, set, request }) => {
      const requestId = String(set.headers['x-request-id'] ?? '')
      if (error instanceof AppError) return sent(set, problemResponse(error, requestId))
      // Elysia wraps whatever the parse hook throws.
      if (code === 'PARSE' && (error as Error).cause instanceof AppError) return sent(set, problemResponse((error as Error).cause as AppError, requestId))
      if (code === 'VALIDATION') return sent(set, problemResponse(validationToAppError(error as ValidationError), requestId))
      if (code === 'PARSE') return sent(set, problemResponse(new AppError('MALFORMED_JSON', 'The body is not valid JSON'), requestId))
      if (code === 'NOT_FOUND') {
        return sent(set, problemResponse(new AppError('ROUTE_NOT_FOUND', `No route for ${request.method} ${new URL(request.url).pathname}`), requestId))
      }
      if (isDataException(error)) {
        log.warn({ requestId, pgCode: (error as { code?: string }).code, method: request.method, path: new URL(request.url).pathname }, 'database refused a value')
        return sent(set, problemResponse(new AppError('VALIDATION_FAILED', 'A value in the request cannot be stored'), requestId))
      }
      if (isUnavailable(error)) {
        log.warn({ requestId, err: (error as Error).message }, 'dependency unavailable')
        return sent(set, problemResponse(unavailable('A backing service is unavailable; retry shortly'), requestId))
      }
      log.error({ requestId, err: error, method: request.method, path: new URL(request.url).pathname }, 'unhandled error')
      return sent(set, problemResponse(new AppError('INTERNAL', 'An unexpected error occurred; quote the requestId if you report it'), requestId))
    })
    .onAfterResponse({ as: 'global' }, ({ request, set }) => {
      if (!log.isLevelEnabled('debug')) return
      const t0 = started.get(request)
      log.debug({ requestId: set.headers['x-request-id'], method: request.method, url: new URL(request.url).pathname, status: set.status, ms: t0 && +(performance.now() - t0).toFixed(2) }, 'request')
    })
}

/**
 * Bun.serve's `error` handler: an exception that escapes the app (Elysia maps its own) still gets a
 * problem+json 500 with a request id, never Bun's plain-text or development error page.
 */
export function lastResort(log: Logger) {
  return (err: Error): Response => {
    const requestId = crypto.randomUUID()
    log.error({ requestId, err }, 'error outside the app')
    const res = problemResponse(new AppError('INTERNAL', 'An unexpected error occurred; quote the requestId if you report it'), requestId)
    res.headers.set('x-request-id', requestId)
    return res
  }
}

/**
 * A deadline on every request, as an Elysia higher-order function around the whole handler: the statement and
 * connect timeouts bound what PostgreSQL does, but a connection that goes silent (a network partition with no
 * reset) only fails when TCP keepalive gives up, minutes later. Past `ms` the client gets a 503 problem with
 * Retry-After; the stuck work finishes or fails on its own. Streams are unaffected: their Response is returned
 * at once and the body flows afterwards.
 */
export function requestDeadline(ms: number, log: Logger) {
  return (fn: (request: Request) => unknown) => (request: Request) => {
    const result = fn(request)
    if (!(result instanceof Promise)) return result
    let timer: ReturnType<typeof setTimeout> | undefined
    let late = false
    // The answer that comes after the 503 goes to nobody: cancel its body, so that a stream opened by then
    // (an SSE response whose opening was slow) runs its close hooks instead of staying registered forever.
    void result.then((res) => {
      if (late && res instanceof Response) res.body?.cancel().catch(() => {})
    }, () => {})
    const deadline = new Promise<Response>((resolve) => {
      timer = setTimeout(() => {
        late = true
        const requestId = requestIdOf(request)
        log.warn({ requestId, method: request.method, path: new URL(request.url).pathname, ms }, 'request deadline passed')
        const res = problemResponse(unavailable(`No answer within ${ms} ms; retry shortly`), requestId)
        res.headers.set('x-request-id', requestId)
        resolve(res)
      }, ms)
    })
    return Promise.race([result.finally(() => clearTimeout(timer)), deadline])
  }
}
