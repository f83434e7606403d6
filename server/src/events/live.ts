import type { Sql } from '../db'
import type { Logger } from '../logger'
import { unauthorized } from '../errors'
import type { PubSub } from '../lib/pubsub'
import { createSseResponse, encodeFrame, encodeRetry } from '../lib/sse'
import { createStreamCaps, type StreamCapLimits } from '../lib/stream-caps'
import { isSessionActive } from '../auth/service'
import { createNotifier } from '../notifications/notifier'
import { createHub, frameOf, stockFrame, webhookFrameOf, type StreamKind, type Subscriber } from './hub'
import { createRelay, type Relay } from './relay'
import type { EventTracing } from '../lib/tracing/events'
import * as repo from './repo'

export interface LiveOptions {
  sql: Sql
  pubsub: PubSub
  log: Logger
  /** Pub/sub channel prefix (REDIS_KEY_PREFIX); the database name is appended so environments never mix. */
  channelPrefix: string
  heartbeatMs?: number
  retryMs?: number
  /**
   * On drain each stream gets its own `retry:` between retryMs / 2 and retryMs / 2 + this, so that the
   * clients of an instance that goes away come back spread out, not all together retryMs later.
   */
  drainSpreadMs?: number
  /** Most events a reconnecting client gets replayed; further behind → `reset`. */
  replayWindow?: number
  maxBufferedBytes?: number
  stockIntervalMs?: number
  reconcileMs?: number
  relayIdleMs?: number
  onConnections?: (kind: StreamKind, delta: number) => void
  /** Open streams allowed per client address and per user on this instance (default: no cap). */
  caps?: StreamCapLimits
  /** A stream refused by a cap (metrics). */
  onCapRefused?: (scope: 'address' | 'user') => void
  /** tracing on: the relay and the fan-out continue the traces stored with the events */
  tracing?: EventTracing
}

/** Who a personal stream is for, and until when (the access token's `exp`, or that of the token behind a ticket). */
export interface StreamPrincipal {
  userId: string
  sessionId: string | null
  expiresAtMs: number | null
}

export interface StreamRequest {
  /** the Last-Event-ID header */
  lastEventId?: string
  /** aborts when the client goes away */
  signal?: AbortSignal
  /** the client's address (TRUSTED_PROXIES applied); null for in-process requests, which are not capped */
  address?: string | null
}

// setTimeout's delay is a signed 32-bit count of ms (~24.8 days); a longer one fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1

export type Live = ReturnType<typeof createLive>

/** Last-Event-ID is the seq of the last event received; anything else is treated as "no id". */
function parseLastEventId(raw: string | undefined | null): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw)) return null
  return Number(raw)
}

/**
 * This instance's live machinery: the relay (outbox → pub/sub), the hub (pub/sub → this instance's streams),
 * the notifier (outbox → stored notifications) and the opening of an SSE stream (state, replay, then live).
 * `start()` runs the background parts (main.ts, or a test); streams opened before `start()` still get their
 * opening state and replay. Which streams there are, and tickets, are the verbs in service.ts.
 */
export function createLive(opts: LiveOptions) {
  const { sql, log } = opts
  const retryMs = opts.retryMs ?? 2000
  const drainSpreadMs = opts.drainSpreadMs ?? 5000
  const replayWindow = opts.replayWindow ?? 1000
  const maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024
  const caps = createStreamCaps(opts.caps ?? { perAddress: 0, perUser: 0 }, opts.onCapRefused)
  const hub = createHub({
    sql, pubsub: opts.pubsub, log,
    heartbeatMs: opts.heartbeatMs, stockIntervalMs: opts.stockIntervalMs, reconcileMs: opts.reconcileMs,
    onConnections: opts.onConnections, tracing: opts.tracing,
  })
  const notifier = createNotifier({ sql, log })
  let relay: Relay | null = null
  let channel: Promise<string> | null = null
  let started: Promise<void> | null = null

  // One channel per database: two environments sharing a Redis must never read each other's seqs.
  const channelName = () => (channel ??= sql<{ db: string }[]>`select current_database() as db`.then(([r]) => `${opts.channelPrefix}events:${r.db}`))
  const getRelay = async () => (relay ??= createRelay({ sql, pubsub: opts.pubsub, channel: await channelName(), log, idleMs: opts.relayIdleMs, tracing: opts.tracing }))

  /**
   * Opens a stream: registers it first (live frames buffer), then reads the head seq and the state, so every
   * event is either covered by the state/replay (seq ≤ head) or arrives live (seq > head); the subscriber's
   * lastSent drops the overlap. The state may already reflect an order whose event is not numbered yet; its
   * drop.stock then repeats the same figure — harmless, and never the other way round (stale after fresh).
   *
   * A personal stream is also bound to its session and its token. The session is checked after the head is
   * read: a revocation committed before that is seen by the check (401), one committed after it gets a seq above
   * the head and reaches this stream live (`stream.closed`). At the token's `exp` the stream ends the same way.
   */
  async function open(
    kind: StreamKind,
    id: string,
    req: StreamRequest,
    principal: StreamPrincipal | null,
    state: () => Promise<unknown>,
    replay: (after: number, head: number, limit: number) => Promise<repo.EventRow[]>,
    stock?: (after: number, head: number) => Promise<repo.EventRow | undefined>,
  ): Promise<Response> {
    if (principal?.expiresAtMs != null && principal.expiresAtMs <= Date.now()) throw unauthorized('The access token has expired')
    const release = caps.acquire({ address: req.address, userId: principal?.userId })
    const lastEventId = parseLastEventId(req.lastEventId)
    let sub: Subscriber | null = null
    let expiry: ReturnType<typeof setTimeout> | undefined
    const { response, writer } = createSseResponse({
      retryMs, maxBufferedBytes, signal: req.signal,
      onClose: () => {
        clearTimeout(expiry)
        release()
        if (sub) hub.remove(sub)
      },
    })
    sub = hub.add(kind, id, writer, principal?.sessionId ?? null)
    const current = sub
    if (principal?.expiresAtMs != null) {
      const expiresAtMs = principal.expiresAtMs
      const arm = () => {
        const left = expiresAtMs - Date.now()
        expiry = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(() => hub.end(current, 'token_expired'), Math.max(0, left))
      }
      arm()
    }
    // Closed before it was registered (the client went away first): its close hook found nothing to remove.
    if (writer.closed) {
      clearTimeout(expiry)
      hub.remove(current)
    }
    try {
      // Before the head: every event routed while the interests load has a seq the opening covers.
      await current.ready
      const head = await repo.headSeq(sql)
      if (principal?.sessionId && !(await isSessionActive({ sql }, principal.sessionId))) {
        throw unauthorized('The session has ended (logged out or revoked); log in again')
      }
      const sendState = async (type: 'state' | 'reset') => {
        writer.write(encodeFrame(head, type, { type, ...(kind === 'drop' ? { dropId: id } : {}), data: await state(), createdAt: new Date().toISOString() }))
      }
      if (lastEventId === null) {
        await sendState('state')
      } else if (lastEventId > head) {
        // An id this outbox never issued (another environment, a restored database): start over.
        await sendState('reset')
      } else if (lastEventId < head) {
        const oldest = await repo.oldestSeq(sql)
        const rows = lastEventId + 1 < oldest ? null : await replay(lastEventId, head, replayWindow + 1)
        if (!rows || rows.length > replayWindow) await sendState('reset')
        else writeReplay(kind, id, rows, await stock?.(lastEventId, head), writer.write)
      }
      current.lastSent = head
      hub.release(current)
    } catch (err) {
      writer.close()
      throw err
    }
    return response
  }

  /**
   * Replayed events, in order. A drop stream's replay holds the drop's own events plus at most one stock
   * event (the newest order's), placed at its seq among them: what the stock is now, not every step.
   */
  function writeReplay(kind: StreamKind, id: string, rows: repo.EventRow[], stock: repo.EventRow | undefined, write: (f: Uint8Array) => boolean) {
    const dropId = id
    const frame = kind === 'creator' ? (r: repo.EventRow) => webhookFrameOf(r, id) : frameOf
    let pending = kind === 'drop' ? stock : undefined
    const flush = (before: number) => {
      if (pending && pending.seq < before && typeof pending.data.availableStock === 'number') {
        write(stockFrame(pending.seq, dropId, pending.data.availableStock, pending.createdAt))
        pending = undefined
      }
    }
    for (const r of rows) {
      flush(r.seq)
      write(frame(r))
    }
    flush(Infinity)
  }

  return {
    async start(parts: { relay?: boolean; notifier?: boolean } = {}) {
      started ??= (async () => {
        await hub.start(await channelName())
        if (parts.relay ?? true) (await getRelay()).start()
        if (parts.notifier ?? true) notifier.start()
      })()
      await started
    },
    async stop() {
      if (!started) return
      await started
      await relay?.stop()
      await notifier.stop()
      await hub.stop()
      started = null
    },
    /** Closes every open stream (shutdown): each gets a jittered `retry:` and reconnects, to another instance. */
    closeStreams: () => hub.closeAll(() => encodeRetry(retryMs / 2 + Math.random() * drainSpreadMs)),
    relayTick: async () => (await getRelay()).tick(),
    /** How far each outbox consumer is behind (metrics; a stuck one holds back pruning). */
    consumerLag: () => repo.consumerLag(sql),
    notifierTick: () => notifier.tick(),
    subscriptions: () => hub.subscriptions(),
    streamKeys: () => hub.keys(),
    watchedUsers: () => hub.watchedUsers(),
    watchedCreators: () => hub.watchedCreators(),

    /** Opens a stream of this kind (service.ts says which streams there are and what they hold). */
    open,
    /** Keys of the stream caps still held (0 once every stream is gone). */
    capKeys: () => caps.size(),
  }
}
