/**
 * Real queue streams (`GET /v1/drops/{id}/queue/events`) held by a sample of the buyers: each records when its
 * `queue.closed` (or `queue.admitted`) arrived. Read through the SDK's subscribe, as a buyer's app would.
 */
import { type Api, sdkFor } from '../api'

interface Observer {
  i: number
  closedAt: number | null
  reason: string | null
  admitted: boolean
  abort: AbortController
}

export function openObservers(api: Api, dropId: string) {
  const all: Observer[] = []
  return {
    open(i: number, token: string) {
      const o: Observer = { i, closedAt: null, reason: null, admitted: false, abort: new AbortController() }
      all.push(o)
      void (async () => {
        for await (const e of sdkFor(api, token).subscribe({ queueOf: dropId }, { signal: o.abort.signal })) {
          if (e.type === 'queue.admitted') {
            o.admitted = true
            return
          }
          if (e.type === 'queue.closed') {
            o.closedAt = Date.now()
            o.reason = e.data.reason
            return
          }
        }
      })().catch(() => {})
    },
    /** Waits up to `ms` for every observer not admitted to get `queue.closed`. → latencies after `soldOutAt` */
    async closedWithin(ms: number, soldOutAt: number | null) {
      const until = Date.now() + ms
      const waiting = () => all.filter((o) => !o.admitted && o.closedAt === null)
      while (waiting().length && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      const closed = all.filter((o) => o.closedAt !== null)
      return {
        observed: all.filter((o) => !o.admitted).length,
        missing: waiting().length,
        reasons: closed.reduce<Record<string, number>>((acc, o) => ((acc[o.reason!] = (acc[o.reason!] ?? 0) + 1), acc), {}),
        latencies: soldOutAt === null ? [] : closed.map((o) => o.closedAt! - soldOutAt),
      }
    },
    close() {
      for (const o of all) o.abort.abort()
    },
  }
}
