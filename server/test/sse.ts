/**
 * Test-side Server-Sent Events reader: parses frames from a Response body, with timeouts. Given the stream's
 * path, every event is checked against the contract (validateStreamEvent) and a mismatch fails the next read.
 */
import { createParser } from 'eventsource-parser'
import { validateStreamEvent } from '../src/contract/validate'
import type { Deps } from '../src/deps'
import type { TestContext } from './helpers'

export interface SseEvent {
  id: string | null
  event: string
  data: any
}

export interface SseReader {
  status: number
  headers: Headers
  /** The next event (comments skipped); rejects after timeoutMs. */
  next(timeoutMs?: number): Promise<SseEvent>
  /** Events until `until` returns true for one (included). */
  collect(until: (e: SseEvent, all: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>
  /** Events that arrive within ms (none expected → []). */
  drain(ms: number): Promise<SseEvent[]>
  retry: number | null
  comments: number
  close(): Promise<void>
}

export async function readSse(res: Response, contractPath?: string): Promise<SseReader> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const queue: SseEvent[] = []
  const violations: string[] = []
  const waiters: Array<() => void> = []
  let ended = false
  const state = { retry: null as number | null, comments: 0 }
  // Frames are parsed by eventsource-parser (what the SDK uses): one SSE grammar for every reader.
  const parser = createParser({
    onEvent: (m) => {
      const ev: SseEvent = { id: m.id ?? null, event: m.event ?? 'message', data: JSON.parse(m.data) }
      if (contractPath) violations.push(...validateStreamEvent(contractPath, ev))
      queue.push(ev)
    },
    onRetry: (ms) => {
      state.retry = ms
    },
    onComment: () => {
      state.comments++
    },
  })
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parser.feed(decoder.decode(value, { stream: true }))
        waiters.splice(0).forEach((w) => w())
      }
    } catch {
      // cancelled
    }
    ended = true
    waiters.splice(0).forEach((w) => w())
  })()
  const next = async (timeoutMs = 3000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs
    while (!queue.length) {
      if (ended) throw new Error('stream ended')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
    if (violations.length) throw new Error(`event breaks the contract:\n  ${violations.join('\n  ')}`)
    return queue.shift()!
  }
  return {
    status: res.status,
    headers: res.headers,
    next,
    async collect(until, timeoutMs = 5000) {
      const all: SseEvent[] = []
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const e = await next(Math.max(1, deadline - Date.now()))
        all.push(e)
        if (until(e, all)) return all
      }
    },
    async drain(ms) {
      await Bun.sleep(ms)
      if (violations.length) throw new Error(`event breaks the contract:\n  ${violations.join('\n  ')}`)
      return queue.splice(0)
    },
    get retry() {
      return state.retry
    },
    get comments() {
      return state.comments
    },
    async close() {
      await reader.cancel().catch(() => {})
    },
  }
}

/** Until the relays (the context's background one included) have numbered everything committed. */
export async function untilNumbered(deps: Pick<Deps, 'live' | 'sql'>): Promise<void> {
  for (;;) {
    await deps.live.relayTick()
    const [{ n }] = await deps.sql<{ n: number }[]>`select count(*)::int as n from outbox where seq is null`
    if (n === 0) return
    await Bun.sleep(20)
  }
}

/** Opens a stream of the in-process app and reads it, checking every event against the contract. */
export async function openStream(ctx: Pick<TestContext, 'app'>, path: string, headers: Record<string, string> = {}): Promise<SseReader> {
  return readSse(await ctx.app.handle(new Request(`http://localhost${path}`, { headers })), path.split('?')[0])
}
