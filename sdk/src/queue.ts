import type { Client } from 'openapi-fetch'
import type { components, paths } from './schema.js'
import { LiveDropError } from './errors.js'
import { subscribe, type StreamDeps } from './events.js'
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, sleep } from './retry.js'
import { altchaHeader, createPowSolver, type PowOptions, type PowSolver } from './pow.js'

type S = components['schemas']
export type QueuePlace = S['QueuePlace']
export type QueueClosedReason = S['QueueClosedReason']

/**
 * The line closed before the buyer was admitted (`queue.closed`, or joining a drop that is over): `reason` is
 * the contract's `QueueClosedReason` (`sold_out`, `ended`, `cancelled`, `expired`, `order_refused`), `code` the
 * matching problem code (`SOLD_OUT`, `DROP_NOT_LIVE`, `ADMISSION_EXPIRED`…), so one `catch` covers both paths.
 */
export class QueueClosedError extends Error {
  readonly reason: QueueClosedReason
  readonly code: string
  constructor(reason: QueueClosedReason, code = CODES[reason]) {
    super(`The waiting room is closed for this buyer: ${reason}`)
    this.name = 'QueueClosedError'
    this.reason = reason
    this.code = code
  }
}
const CODES: Record<QueueClosedReason, string> = {
  sold_out: 'SOLD_OUT', ended: 'DROP_NOT_LIVE', cancelled: 'DROP_NOT_LIVE', expired: 'ADMISSION_EXPIRED', order_refused: 'ADMISSION_USED',
}

export interface QueueJoinOptions extends PowOptions {
  /** Ends the iteration (and the stream) when aborted; breaking out of `for await` does too. */
  signal?: AbortSignal
  /** Replaces altcha-lib's solver (tests, a native solver). */
  solve?: PowSolver
  /** Retries of the join itself on 429/503 (after Retry-After) and of a challenge that expired meanwhile. Default 5. */
  retries?: number
}

/**
 * Admission tokens by drop, for the order that follows: `attach` adds the token to `POST /v1/orders` for that
 * drop (any way the order is sent: `createOrder` or a raw `POST`), and the token is forgotten once an order
 * used it (any final answer) or it expired. A retry of the same order (429, 503, a lost answer) keeps it.
 */
export function createAdmissions() {
  const byDrop = new Map<string, { token: string; expiresAtMs: number }>()
  const live = (dropId: string) => {
    const a = byDrop.get(dropId)
    if (a && a.expiresAtMs <= Date.now()) byDrop.delete(dropId)
    return byDrop.get(dropId)
  }
  return {
    set: (dropId: string, token: string, expiresAt: string) => void byDrop.set(dropId, { token, expiresAtMs: Date.parse(expiresAt) }),
    get: (dropId: string) => live(dropId)?.token,
    /** Adds Admission-Token to an order for a drop we hold one for. → the request to send and its drop */
    async attach(req: Request): Promise<{ req: Request; dropId: string | null }> {
      if (req.method !== 'POST' || !new URL(req.url).pathname.endsWith('/v1/orders') || req.headers.has('admission-token') || !byDrop.size) return { req, dropId: null }
      let dropId: unknown
      try {
        dropId = (JSON.parse(await req.clone().text()) as { dropId?: unknown }).dropId
      } catch {
        return { req, dropId: null }
      }
      const token = typeof dropId === 'string' ? live(dropId)?.token : undefined
      if (!token) return { req, dropId: null }
      const headers = new Headers(req.headers)
      headers.set('admission-token', token)
      return { req: new Request(req, { headers }), dropId: dropId as string }
    },
    /**
     * The order's answer came back: a final one spends the token. 429, 5xx and IDEMPOTENCY_KEY_IN_USE (the same
     * order still in flight) are retried with the same key, and must carry the token again.
     */
    async settle(dropId: string, res: Response) {
      if (res.status === 429 || res.status >= 500) return
      if (res.status === 409) {
        const code = await res.clone().json().then((b: { code?: string }) => b.code, () => undefined)
        if (code === 'IDEMPOTENCY_KEY_IN_USE') return
      }
      byDrop.delete(dropId)
    },
  }
}
export type Admissions = ReturnType<typeof createAdmissions>

/**
 * `ld.queue.join(dropId)`: joins the drop's waiting room (solving its proof-of-work challenge first when the
 * drop asks for one) and yields the buyer's place — first as the join answered it, then every change the
 * queue stream (`/v1/drops/{dropId}/queue/events`) sends — and last the admitted place, whose token is kept
 * for the next order on that drop. The iteration ends there. A line that closes first (sold out, ended,
 * cancelled) throws QueueClosedError; other refusals throw LiveDropError (e.g. QUEUE_NOT_ENABLED).
 */
export async function* joinQueue(
  deps: { client: Client<paths>; streams: StreamDeps; admissions: Admissions },
  dropId: string,
  opts: QueueJoinOptions = {},
): AsyncGenerator<QueuePlace, void, undefined> {
  const solve = opts.solve ?? createPowSolver(opts)
  let place = await join(deps.client, dropId, solve, opts)
  let last = JSON.stringify(place)
  if (yield* settle(place)) return
  for await (const e of subscribe(deps.streams, { queueOf: dropId }, { signal: opts.signal })) {
    if (e.type === 'queue.closed') throw new QueueClosedError((e.data as S['QueueClosedData']).reason)
    if (e.type !== 'queue.position' && e.type !== 'queue.admitted') continue
    place = e.data as QueuePlace
    const json = JSON.stringify(place)
    // The stream opens with the place as it stands, which the join already reported.
    if (json === last) continue
    last = json
    if (yield* settle(place)) return
  }

  /** Yields the place; → true when it ends the line for this buyer (admitted or done). */
  async function* settle(p: QueuePlace): AsyncGenerator<QueuePlace, boolean, undefined> {
    if (p.status === 'closed') throw new QueueClosedError(p.closedReason ?? 'ended')
    if (p.status === 'expired') throw new QueueClosedError('expired')
    if (p.status === 'admitted' && p.admission) deps.admissions.set(dropId, p.admission.token, p.admission.expiresAt)
    yield p
    return p.status === 'admitted' || p.status === 'bought'
  }
}

/** `POST /v1/drops/{dropId}/queue`, with the challenge when asked for one and retries of transient refusals. */
async function join(client: Client<paths>, dropId: string, solve: PowSolver, opts: QueueJoinOptions): Promise<QueuePlace> {
  const retries = opts.retries ?? 5
  // The drop says whether it asks for proof of work (a public, cacheable read): solve first rather than learn
  // it from a 403, which browsers log as a failed request. A drop changed meanwhile still gets its 403 below.
  const drop = await client.GET('/v1/drops/{dropId}', { params: { path: { dropId } }, signal: opts.signal })
  let altcha = drop.data?.access.challenge === 'pow' ? await solveFor(client, dropId, solve, opts.signal) : undefined
  for (let attempt = 0; ; attempt++) {
    const r = await client.POST('/v1/drops/{dropId}/queue', {
      params: { path: { dropId }, header: { Altcha: altcha } },
      signal: opts.signal,
    })
    if (r.data) return r.data as QueuePlace
    const status = r.response.status
    const code = (r.error as { code?: string } | undefined)?.code
    if (code === 'SOLD_OUT') throw new QueueClosedError('sold_out')
    if (code === 'DROP_NOT_LIVE') throw new QueueClosedError((r.error as { dropStatus?: string }).dropStatus === 'cancelled' ? 'cancelled' : 'ended', code)
    if (attempt < retries && (code === 'CHALLENGE_REQUIRED' || (code === 'CHALLENGE_FAILED' && altcha))) {
      // A solution is single use and its challenge lives 5 minutes: a failed one gets a fresh challenge.
      altcha = await solveFor(client, dropId, solve, opts.signal)
      continue
    }
    if (attempt < retries && (status === 429 || status === 503)) {
      await sleep(backoffDelay(attempt, DEFAULT_RETRY, parseRetryAfter(r.response.headers.get('retry-after'))), opts.signal)
      continue
    }
    throw new LiveDropError(r.response, r.error)
  }
}

async function solveFor(client: Client<paths>, dropId: string, solve: PowSolver, signal?: AbortSignal): Promise<string> {
  const c = await client.GET('/v1/challenges', { params: { query: { dropId } }, signal })
  if (!c.data) throw new LiveDropError(c.response, c.error)
  const challenge = c.data as unknown as Parameters<PowSolver>[0]
  const solution = await solve(challenge, signal)
  if (!solution) throw new Error(signal?.aborted ? 'aborted' : 'the proof-of-work challenge could not be solved in time')
  return altchaHeader(challenge, solution)
}
