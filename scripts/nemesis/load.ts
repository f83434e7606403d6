/**
 * The mixed load: read loops, buyers placing orders (one Idempotency-Key per intended purchase, retried by
 * the SDK with that key), and SSE subscribers on the drop streams and on every buyer's personal stream (the
 * SDK's iterator, which resumes with Last-Event-ID). Everything a client saw is recorded for the checks.
 */
import { createLiveDrop, newIdempotencyKey, type LiveDrop, type LiveDropEvent } from '@livedrop/sdk'
import { BALANCED_ORIGIN } from './balancer'
import type { FetchLike } from '@livedrop/sdk'
import type { Seeded } from './seed'

/** One answer to an order attempt: the HTTP status (0: no answer at all) and what it said. */
export interface Answer {
  status: number
  orderId?: string
  code?: string
  error?: string
}

/** An intended purchase: its key, and every final answer the SDK call returned for it. */
export interface Intent {
  userId: string
  buyer: number
  key: string
  dropId: string
  quantity: number
  answers: Answer[]
}

/** A subscriber of one stream: what it received, in order. */
export interface StreamLog {
  kind: 'drop' | 'user'
  /** the drop, or the user */
  id: string
  events: Array<{ id: number; type: string; data: unknown }>
  /** iterations that ended with an error (a refusal the SDK does not retry) */
  errors: string[]
}

/** A latency sample: when it ended (ms since the load began), how long it took, and whether it succeeded. */
export interface Sample {
  at: number
  ms: number
  ok: boolean
}

export interface LoadRecord {
  intents: Intent[]
  streams: StreamLog[]
  reads: Sample[]
  orders: Sample[]
  orderRetries: number
}

/** A final answer: the order exists (201) or was refused for good (4xx other than "in use" / "too many"). */
export const isFinal = (a: Answer | undefined) =>
  !!a && (a.status === 201 || (a.status >= 400 && a.status < 500 && a.status !== 429 && a.code !== 'IDEMPOTENCY_KEY_IN_USE'))

/** Places one intent through the SDK (its retries reuse the key); → the answer the caller ends up with. */
export async function placeIntent(client: LiveDrop, it: Intent, retries: number, onRetry?: () => void): Promise<Answer> {
  try {
    const r = await client.createOrder({ dropId: it.dropId, quantity: it.quantity }, { idempotencyKey: it.key, retries, baseDelayMs: 200, maxDelayMs: 2000, onRetry })
    const a: Answer = r.data ? { status: r.response.status, orderId: r.data.id } : { status: r.response.status, code: r.error?.code }
    it.answers.push(a)
    return a
  } catch (err) {
    const a = { status: 0, error: err instanceof Error ? err.message : String(err) }
    it.answers.push(a)
    return a
  }
}

/**
 * → `loops`: the readers and buyers, which end (within one call) once `signal` aborts; `streams`: the
 * subscribers, which end once `streamSignal` aborts.
 */
export function startLoad(s: Seeded, fetch: FetchLike, o: { readers: number; watchers: number; t0: number; signal: AbortSignal; streamSignal: AbortSignal }): { loops: Promise<void>; streams: Promise<void>; record: LoadRecord } {
  const record: LoadRecord = { intents: [], streams: [], reads: [], orders: [], orderRetries: 0 }
  const since = () => performance.now() - o.t0
  const anonymous = createLiveDrop({ baseUrl: BALANCED_ORIGIN, fetch })
  const dropIds = [s.drops.hot, s.drops.big, s.drops.later]

  const reader = async (i: number) => {
    while (!o.signal.aborted) {
      const start = performance.now()
      const r = i % 2 === 0
        ? await anonymous.GET('/v1/drops/{dropId}', { params: { path: { dropId: dropIds[Math.floor(Math.random() * 3)] } } }).catch(() => null)
        : await anonymous.GET('/v1/drops', { params: { query: { limit: 20 } } }).catch(() => null)
      record.reads.push({ at: since(), ms: performance.now() - start, ok: r?.response.status === 200 })
      if (!r || r.response.status !== 200) await Bun.sleep(50)
      await Bun.sleep(5)
    }
  }

  const buyer = async (b: Seeded['buyers'][number]) => {
    while (!o.signal.aborted) {
      const roll = Math.random()
      const dropId = roll < 0.5 ? s.drops.hot : roll < 0.85 || Date.now() < s.laterStartsAt ? s.drops.big : s.drops.later
      const it: Intent = { userId: b.userId, buyer: b.n, key: newIdempotencyKey(), dropId, quantity: 1 + Math.floor(Math.random() * 3), answers: [] }
      record.intents.push(it)
      const start = performance.now()
      const a = await placeIntent(b.client, it, 4, () => record.orderRetries++)
      record.orders.push({ at: since(), ms: performance.now() - start, ok: isFinal(a) })
      await Bun.sleep(60 + Math.random() * 120)
    }
  }

  const subscriber = async (client: LiveDrop, target: { dropId: string } | { me: true }, log: StreamLog) => {
    let lastEventId: string | undefined
    while (!o.streamSignal.aborted) {
      try {
        // Backoff capped at 4 s (default 30 s): after a burst of faults the clients are back before the checks.
        const opts = { signal: o.streamSignal, lastEventId, maxRetryMs: 4000 }
        const events: AsyncGenerator<LiveDropEvent> = 'me' in target ? client.subscribe(target, opts) : client.subscribe(target, opts)
        for await (const e of events) {
          if (e.id !== undefined) lastEventId = e.id
          log.events.push({ id: Number(e.id), type: e.type, data: e.data })
        }
      } catch (err) {
        // Not retried by the SDK (a refusal): noted, and the client comes back from where it was.
        log.errors.push(err instanceof Error ? err.message : String(err))
        await Bun.sleep(500)
      }
    }
  }

  const streams: Promise<void>[] = []
  for (const b of s.buyers) {
    const log: StreamLog = { kind: 'user', id: b.userId, events: [], errors: [] }
    record.streams.push(log)
    streams.push(subscriber(b.client, { me: true }, log))
  }
  for (let i = 0; i < o.watchers; i++) {
    const dropId = [s.drops.hot, s.drops.big][i % 2]
    const log: StreamLog = { kind: 'drop', id: dropId, events: [], errors: [] }
    record.streams.push(log)
    streams.push(subscriber(anonymous, { dropId }, log))
  }
  const loops = [...Array.from({ length: o.readers }, (_, i) => reader(i)), ...s.buyers.map(buyer)]
  return { loops: Promise.all(loops).then(() => {}), streams: Promise.all(streams).then(() => {}), record }
}
