/**
 * Real queue streams (`GET /v1/drops/{id}/queue/events`) held by a sample of the buyers: each records when its
 * `queue.closed` (or `queue.admitted`) arrived. A plain fetch reader (the runner talks HTTP directly, like the
 * rest of its load), parsing only the `event:` lines it needs.
 */
interface Observer {
  i: number
  closedAt: number | null
  reason: string | null
  admitted: boolean
  abort: AbortController
}

export function openObservers(baseUrl: string, dropId: string) {
  const all: Observer[] = []
  return {
    open(i: number, token: string) {
      const o: Observer = { i, closedAt: null, reason: null, admitted: false, abort: new AbortController() }
      all.push(o)
      void (async () => {
        const res = await fetch(`${baseUrl}/v1/drops/${dropId}/queue/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` }, signal: o.abort.signal })
        if (!res.ok || !res.body) return
        const reader = res.body.getReader()
        const decoder = new TextDecoder()
        let text = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return
          text += decoder.decode(value, { stream: true })
          if (text.includes('event: queue.admitted')) {
            o.admitted = true
            return
          }
          const m = /event: queue\.closed\ndata: (.*)\n/.exec(text)
          if (m) {
            o.closedAt = Date.now()
            o.reason = (JSON.parse(m[1]!) as { data: { reason: string } }).data.reason
            return
          }
          // Only the last partial event matters once earlier ones were positions.
          if (text.length > 8192) text = text.slice(-2048)
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
