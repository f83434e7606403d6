/**
 * Fixed-arrival-rate load on top of autocannon, measured without coordinated omission.
 *
 * Why not autocannon's own `overallRate`: it gives each connection a budget of N requests per one-second window
 * and sends them back to back as soon as the window opens, so the load arrives in bursts at the top of every
 * second; and each connection is a closed loop, so when the server slows down the generator silently sends
 * less and measures only the requests it managed to send (coordinated omission). Its built-in correction uses
 * an expected interval of ceil(1 / rate) = 1 ms, which corrects nothing.
 *
 * What this does instead (the wrk2 model), keeping autocannon for connections, HTTP framing and parsing:
 * - Arrival j of the run has an intended send time t0 + j / rate: an even, open-model schedule fixed before
 *   the run starts and independent of how fast the server answers.
 * - Arrival j is assigned to connection j mod C. Each connection's `_doRequest` is wrapped so that it sends its
 *   next arrival at that arrival's intended time (or at once when it is already late).
 * - Latency is measured from min(intended send time, actual send time) to the last byte of the response.
 *   When the server is slow and a connection falls behind, the waiting the user would have seen is counted;
 *   when the server is fast, the figure is the plain request latency. That is "measure from the intended send
 *   time", so a stall shows up in p95/p99 instead of disappearing.
 * - Arrivals sent more than 1 s after their intended time are counted as `late` (k6 calls them dropped_iterations):
 *   the generator, not the server, could not keep the rate, and the run says so.
 * Latencies go into an HDR histogram in microseconds (3 significant digits).
 */
import autocannon from 'autocannon'
import * as hdr from 'hdr-histogram-js'

export interface EngineRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
  /** route label for per-route statistics */
  name: string
  /** free for the scenario (e.g. the idempotency key of an order) */
  meta?: unknown
}

export interface EngineOptions {
  baseUrl: string
  rate: number
  durationSec: number
  connections?: number
  timeoutSec?: number
  /** the j-th arrival's request; deterministic in j */
  next(j: number): EngineRequest
  /** statuses that are correct answers; any other counts as a failed request */
  expected: readonly number[]
  /** every response, for the scenario's own bookkeeping (order ids, replays) */
  onResponse?(req: EngineRequest, status: number, body: string, headers: Record<string, string | string[]>): void
  /** every arrival that got no response (timeout, connection lost) */
  onError?(req: EngineRequest, reason: string): void
}

export interface Sample {
  /** seconds since t0 of the intended send time */
  at: number
  ms: number
  ok: boolean
}

export interface EngineResult {
  rate: number
  durationSec: number
  connections: number
  sent: number
  completed: number
  failed: number
  late: number
  statusCounts: Record<string, number>
  errors: Record<string, number>
  byRoute: Record<string, { count: number; failed: number; hist: hdr.Histogram }>
  hist: hdr.Histogram
  samples: Sample[]
  wallSec: number
}

interface Slot {
  state: ClientState
  j: number
  req: EngineRequest
  intended: number
  sentAt: number
}

interface ClientState {
  index: number
  k: number
  inflight: Slot | null
  timer: ReturnType<typeof setTimeout> | null
  finished: boolean
}

const LATE_MS = 1000

export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 })
}

export function defaultConnections(rate: number): number {
  // Enough connections that each one has ~100 ms between its arrivals: a server answering in < 100 ms never
  // makes a connection fall behind, and one answering slower shows up as measured latency, not as lost load.
  return Math.max(4, Math.min(1000, Math.ceil(rate / 10)))
}

export function runLoad(opts: EngineOptions): Promise<EngineResult> {
  const url = new URL(opts.baseUrl)
  const total = Math.max(1, Math.round(opts.rate * opts.durationSec))
  const connections = Math.min(total, opts.connections ?? defaultConnections(opts.rate))
  const timeoutSec = opts.timeoutSec ?? 10
  const intervalMs = 1000 / opts.rate
  const hist = newHistogram()
  const byRoute: EngineResult['byRoute'] = {}
  const statusCounts: Record<string, number> = {}
  const errors: Record<string, number> = {}
  const samples: Sample[] = []
  let sent = 0
  let completed = 0
  let failed = 0
  let late = 0
  let nextClient = 0
  // The request autocannon is building right now: set synchronously just before autocannon's own (synchronous)
  // request build runs, so setupRequest knows which arrival it builds. Single-threaded, so no race.
  let building: Slot | null = null
  let t0 = 0

  const route = (name: string) => (byRoute[name] ??= { count: 0, failed: 0, hist: newHistogram() })

  function record(slot: Slot, ms: number, ok: boolean) {
    const us = Math.max(1, Math.round(ms * 1000))
    hist.recordValue(us)
    const r = route(slot.req.name)
    r.count++
    r.hist.recordValue(us)
    if (!ok) {
      r.failed++
      failed++
    }
    samples.push({ at: (slot.intended - t0) / 1000, ms, ok })
  }

  function fail(slot: Slot, reason: string) {
    errors[reason] = (errors[reason] ?? 0) + 1
    failed++
    const r = route(slot.req.name)
    r.count++
    r.failed++
    samples.push({ at: (slot.intended - t0) / 1000, ms: performance.now() - Math.min(slot.intended, slot.sentAt), ok: false })
    opts.onError?.(slot.req, reason)
  }

  return new Promise((resolve, reject) => {
    const states: ClientState[] = []
    let instance: autocannon.Instance
    const started = performance.now()
    // The schedule starts once the connections are likely open (autocannon opens them all at once), so that a
    // hundred TCP handshakes at t0 are not measured as the server's latency.
    t0 = performance.now() + Math.max(50, 2 * connections)
    try {
      instance = autocannon(
        {
          url: `${url.protocol}//${url.host}`,
          connections,
          // a backstop only: every connection stops itself after its last arrival is answered
          duration: opts.durationSec + timeoutSec + 5,
          timeout: timeoutSec,
          requests: [
            {
              setupRequest: (req: any, context: any) => {
                const slot = building
                // autocannon builds each connection's first request once in its constructor, before any slot
                // exists; that build is thrown away (rebuilt below when the slot is due).
                if (!slot) return { ...req, method: 'GET', path: '/healthz' }
                context.slot = slot
                const headers: Record<string, string> = { ...req.headers, ...slot.req.headers }
                if (slot.req.body !== undefined) headers['content-type'] = 'application/json'
                return { ...req, method: slot.req.method, path: slot.req.path, headers, body: slot.req.body ?? Buffer.alloc(0) }
              },
              onResponse: (status: number, body: string, context: any, headers: Record<string, string | string[]>) => {
                const slot: Slot | undefined = context.slot
                if (!slot) return
                // a response for an arrival already written off (e.g. timed out) is not counted twice
                if (slot.state.inflight !== slot) return
                slot.state.inflight = null
                completed++
                statusCounts[status] = (statusCounts[status] ?? 0) + 1
                const ok = opts.expected.includes(status)
                record(slot, performance.now() - Math.min(slot.intended, slot.sentAt), ok)
                opts.onResponse?.(slot.req, status, body, headers)
              },
            },
          ],
          setupClient: (client: any) => wrapClient(client),
        } as autocannon.Options,
        (err: Error | null) => {
          for (const s of states) {
            if (s.timer) clearTimeout(s.timer)
            if (s.inflight) {
              fail(s.inflight, 'no response before the end of the run')
              s.inflight = null
            }
          }
          if (err) return reject(err)
          resolve({
            rate: opts.rate, durationSec: opts.durationSec, connections, sent, completed, failed, late,
            statusCounts, errors, byRoute, hist, samples: samples.sort((a, b) => a.at - b.at), wallSec: (performance.now() - started) / 1000,
          })
        },
      ) as unknown as autocannon.Instance
    } catch (err) {
      return reject(err)
    }
    // autocannon reports connection errors and timeouts on the instance, not per request; the wrapped
    // clients turn them into per-arrival failures below.
    instance.on('error', () => {})

    function wrapClient(client: any) {
      const state: ClientState = { index: nextClient++, k: 0, inflight: null, timer: null, finished: false }
      states.push(state)
      const original = client._doRequest.bind(client)
      client.on('timeout', () => {
        if (state.inflight) {
          fail(state.inflight, 'timeout')
          state.inflight = null
        }
      })
      client.on('connError', (e: Error & { code?: string }) => {
        if (state.inflight) {
          fail(state.inflight, `connection error ${e.code ?? e.message}`)
          state.inflight = null
        }
      })
      client._doRequest = function paced() {
        if (state.finished || client.destroyed) return
        // A reconnect calls _doRequest while the next arrival's timer is already set: that timer sends it.
        if (state.timer) return
        if (state.inflight) {
          // The connection was lost with this arrival on it: autocannon reconnects and asks for the next one
          // (also on a timeout, before it reports the timeout).
          fail(state.inflight, performance.now() - state.inflight.sentAt >= timeoutSec * 1000 ? 'timeout' : 'connection lost')
          state.inflight = null
        }
        const j = state.k * connections + state.index
        if (j >= total) {
          state.finished = true
          client.destroy()
          return
        }
        state.k++
        const intended = t0 + j * intervalMs
        const send = () => {
          state.timer = null
          if (client.destroyed) return
          const now = performance.now()
          if (now - intended > LATE_MS) late++
          const slot: Slot = { state, j, req: opts.next(j), intended, sentAt: now }
          state.inflight = slot
          sent++
          building = slot
          try {
            if (client.reqsMade === 0) client.requestIterator.rebuildRequest()
            original()
          } finally {
            building = null
          }
        }
        const wait = intended - performance.now()
        if (wait > 0) state.timer = setTimeout(send, wait)
        else send()
      }
    }
  })
}

export interface Summary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Milliseconds from a microsecond histogram. */
export function summarize(h: hdr.Histogram): Summary {
  const ms = (us: number) => Math.round(us / 10) / 100
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  }
}
