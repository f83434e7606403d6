import type { Logger } from '../logger'
import { AppError } from '../errors'
import { createSseResponse, encodeFrame, type SseWriter } from '../lib/sse'
import type { Drop, QueuePlace } from '../contract/schemas.gen'
import { getDrop } from '../drops/service'
import { getQueuePlace, type QueueDeps } from './service'
import type { Entry } from './store'

interface Stream {
  userId: string
  writer: SseWriter
  /** the last place sent, to send only changes */
  last: string
  lastAt: number
}

/**
 * This instance's queue streams. Every second (and at once when any instance reports a change in a drop's
 * line) it reads the places of its streams' buyers in one store call per drop and sends what changed:
 * `queue.position` at most about once a second per buyer, then `queue.admitted` or `queue.closed`, which end
 * the stream. Nothing is numbered: a reconnecting client simply gets its current place again.
 */
export function createQueueStreams(deps: QueueDeps & { log: Logger; pollMs?: number; heartbeatMs?: number }) {
  const { queue, log } = deps
  const pollMs = deps.pollMs ?? 1000
  const byDrop = new Map<string, Set<Stream>>()
  const busy = new Set<string>()

  const frame = (type: string, dropId: string, data: unknown) => encodeFrame(null, type, { type, dropId, data, createdAt: new Date().toISOString() })

  /** → true when the stream is finished */
  function send(s: Stream, drop: Drop, e: Entry | null, force: boolean): boolean {
    if (!e) {
      s.writer.close()
      return true
    }
    const place: QueuePlace = queue.placeOf(drop, s.userId, e)
    if (e.status === 'admitted') {
      s.writer.write(frame('queue.admitted', drop.id, place))
    } else if (e.status === 'closed' || e.status === 'expired') {
      s.writer.write(frame('queue.closed', drop.id, { reason: e.status === 'expired' ? 'expired' : e.reason }))
    } else if (e.status !== 'bought') {
      const now = Date.now()
      const json = JSON.stringify(place)
      // Positions at most about once a second per buyer, whatever wakes the poll.
      if (force || (json !== s.last && now - s.lastAt >= pollMs * 0.9)) {
        s.writer.write(frame('queue.position', drop.id, place))
        s.last = json
        s.lastAt = now
      }
      return false
    }
    s.writer.close()
    return true
  }

  async function poll(dropId: string) {
    const streams = byDrop.get(dropId)
    if (!streams?.size || busy.has(dropId)) return
    busy.add(dropId)
    try {
      const list = [...streams]
      const [drop, entries] = await Promise.all([getDrop(deps, dropId), queue.entries(dropId, list.map((s) => s.userId))])
      list.forEach((s, i) => {
        if (!s.writer.closed && send(s, drop, entries[i], false)) streams.delete(s)
      })
    } catch (err) {
      // While the store is away (a 503 from queue.entries) the streams stay open and keep their last place.
      if (!(err instanceof AppError && err.status === 503)) log.warn({ err: (err as Error).message, dropId }, 'queue stream poll failed')
    } finally {
      busy.delete(dropId)
    }
  }

  const timer = setInterval(() => {
    for (const dropId of byDrop.keys()) void poll(dropId)
  }, pollMs)
  const heartbeat = setInterval(() => {
    for (const streams of byDrop.values()) for (const s of streams) s.writer.ping()
  }, deps.heartbeatMs ?? 15_000)
  queue.onChange((dropId) => void poll(dropId))

  return {
    /** Opens the caller's stream; 404 when the caller is not in this drop's line. */
    async open(userId: string, dropId: string, signal?: AbortSignal): Promise<Response> {
      await getQueuePlace(deps, userId, dropId) // 404 unless the caller is in line
      const drop = await getDrop(deps, dropId)
      let set = byDrop.get(dropId)
      if (!set) byDrop.set(dropId, (set = new Set()))
      const streams = set
      const s: Stream = { userId, writer: null as never, last: '', lastAt: 0 }
      const { response, writer } = createSseResponse({
        retryMs: 2000, maxBufferedBytes: 64 * 1024, signal,
        onClose: () => {
          streams.delete(s)
          if (!streams.size && byDrop.get(dropId) === streams) byDrop.delete(dropId)
        },
      })
      s.writer = writer
      streams.add(s)
      const [e] = await queue.entries(dropId, [userId])
      if (send(s, drop, e ?? null, true)) streams.delete(s)
      return response
    },
    size: () => [...byDrop.values()].reduce((n, s) => n + s.size, 0),
    close() {
      clearInterval(timer)
      clearInterval(heartbeat)
      for (const streams of byDrop.values()) for (const s of streams) s.writer.close()
      byDrop.clear()
    },
  }
}

export type QueueStreams = ReturnType<typeof createQueueStreams>
