/**
 * Raw-socket SSE streams for tests and benchmarks that hold thousands of them (fetch() caps concurrent
 * connections per process, a socket per stream does not): the runner's reader (loadtest/runner/sse-socket.ts)
 * with a wait-for-this-event interface.
 */
import { openSseSocket } from '../../loadtest/runner/sse-socket'

export interface RawSseEvent {
  id: string
  data: any
  /** when it arrived: performance.now() and Date.now() */
  at: number
  wall: number
}

export interface RawSse {
  /** Resolves with the first event of this type not yet taken, and when it arrived. */
  waitFor(event: string, timeoutMs?: number): Promise<RawSseEvent>
  readonly status: number
  close(): void
}

export function openRawSse(port: number, path: string, headers: Record<string, string> = {}): Promise<RawSse> {
  return new Promise((resolveOpen, rejectOpen) => {
    let status = 0
    const seen: Array<RawSseEvent & { event: string }> = []
    const waiters: Array<{ event: string; resolve: (e: RawSseEvent) => void }> = []
    const socket = openSseSocket(`http://127.0.0.1:${port}`, path, headers, {
      head(h) {
        status = h.status
        resolveOpen({
          get status() {
            return status
          },
          waitFor(event, timeoutMs = 10_000) {
            const i = seen.findIndex((e) => e.event === event)
            if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0])
            return new Promise((resolve, reject) => {
              const t = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
              waiters.push({ event, resolve: (e) => { clearTimeout(t); resolve(e) } })
            })
          },
          close: () => socket.end(),
        })
      },
      event(m) {
        const event = m.event ?? 'message'
        const e = { event, id: m.id ?? '', data: JSON.parse(m.data), at: performance.now(), wall: Date.now() }
        const w = waiters.findIndex((x) => x.event === event)
        if (w >= 0) waiters.splice(w, 1)[0].resolve(e)
        else seen.push(e)
      },
      end(err) {
        if (status === 0) rejectOpen(err ?? new Error('closed before answering'))
      },
    })
  })
}
