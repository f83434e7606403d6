/**
 * sse: N subscribers on one drop's public stream (GET /v1/drops/{dropId}/events, text/event-stream) while the
 * drop is scheduled; the drop goes live at startsAt and every subscriber's `drop.live` is timed.
 *
 * Delivery latency = when the subscriber read the event − the drop's startsAt. That is what a follower sees
 * ("tells every follower within seconds"): it includes the scheduler's lag (up to 1 s by contract), the
 * relay and the fan-out. The spread first→last subscriber isolates the fan-out. Against a remote --target
 * the two clocks differ, so the figure is only as good as their sync.
 *
 * Subscribers are raw TCP sockets (../sse-socket.ts): thousands of them cost a few MB in the generator, where
 * thousands of fetch streams would compete with the server for the same CPU.
 */
import type { Socket } from 'node:net'
import { TARGETS } from '../../workloads'
import * as hdr from 'hdr-histogram-js'
import { newHistogram, summarize, type Summary } from '../engine'
import type { Check } from '../report'
import type { Api } from '../api'
import { createDrop, createProduct, type Seeded } from '../seed'
import { openSseSocket } from '../sse-socket'

export interface Subscriber {
  socket: Socket
  status: number | null
  contentType: string | null
  liveAt: number | null
  /** the drop.live event's own `createdAt` (when the server recorded the transition) */
  eventAt: number | null
  events: number
  error: string | null
}

export function subscribe(baseUrl: string, path: string, onLive: (sub: Subscriber) => void): Promise<Subscriber> {
  return new Promise((resolve) => {
    let settled = false
    const settle = () => {
      if (!settled) {
        settled = true
        resolve(sub)
      }
    }
    const sub: Subscriber = { socket: null as never, status: null, contentType: null, liveAt: null, eventAt: null, events: 0, error: null }
    sub.socket = openSseSocket(baseUrl, path, {}, {
      head(h) {
        sub.status = h.status
        sub.contentType = h.headers['content-type'] ?? null
        settle()
      },
      event(m) {
        sub.events++
        if (m.event === 'drop.live' && sub.liveAt === null) {
          sub.liveAt = Date.now()
          try {
            const at = Date.parse(JSON.parse(m.data).createdAt)
            if (Number.isFinite(at)) sub.eventAt = at
          } catch {}
          onLive(sub)
        }
      },
      end(err) {
        if (err) sub.error = err.message
        else if (sub.status === null) sub.error ??= 'closed before answering'
        settle()
      },
    })
    setTimeout(() => {
      sub.error ??= sub.status === null ? 'no answer within 15 s' : null
      settle()
    }, 15_000).unref()
  })
}

export interface SseResult {
  subscribers: number
  connected: number
  delivered: number
  latency: Summary
  /** delivery latency (ms after startsAt) at every whole percentile 0..100, for the report's chart */
  percentiles: number[]
  /** from the event's createdAt (the transition's commit) to delivery: relay + fan-out without the scheduler */
  fromEvent: Summary
  spreadMs: number
  connectSec: number
  statuses: Record<string, number>
  errors: Record<string, number>
  checks: Check[]
  hist: hdr.Histogram
}

/** Opens `count` subscribers in parallel batches (a burst of thousands of SYNs overflows the accept backlog). */
export async function openSubscribers(baseUrl: string, path: string, count: number, onLive: (s: Subscriber) => void, batch = 250): Promise<Subscriber[]> {
  const subs: Subscriber[] = []
  for (let i = 0; i < count; i += batch) {
    subs.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => subscribe(baseUrl, path, onLive)))))
  }
  return subs
}

/**
 * Subscribers wait on `dropId` (scheduled to start at `startsAt`); resolves once every connected subscriber has
 * its drop.live or `graceSec` after startsAt.
 */
export async function measureLive(baseUrl: string, dropId: string, startsAt: string, count: number, graceSec = 10): Promise<SseResult> {
  const startsMs = Date.parse(startsAt)
  const t = performance.now()
  let live = 0
  let connectedOk = 0
  let wake: () => void = () => {}
  const subs = await openSubscribers(baseUrl, `/v1/drops/${dropId}/events`, count, () => {
    live++
    if (live >= connectedOk && connectedOk > 0) wake()
  })
  const connectSec = (performance.now() - t) / 1000
  const ok = subs.filter((s) => s.status === 200 && !s.error && /text\/event-stream/.test(s.contentType ?? ''))
  connectedOk = ok.length
  const connectedInTime = Date.now() < startsMs
  await new Promise<void>((resolve) => {
    wake = resolve
    if (live >= connectedOk) resolve()
    setTimeout(resolve, Math.max(0, startsMs + graceSec * 1000 - Date.now())).unref()
  })
  for (const s of subs) s.socket.destroy()

  const hist = newHistogram()
  const fromEvent = newHistogram()
  const times: number[] = []
  for (const s of ok) {
    if (s.liveAt === null) continue
    const ms = Math.max(0, s.liveAt - startsMs)
    times.push(s.liveAt)
    hist.recordValue(Math.max(1, Math.round(ms * 1000)))
    if (s.eventAt !== null) fromEvent.recordValue(Math.max(1, Math.round(Math.max(0, s.liveAt - s.eventAt) * 1000)))
  }
  const statuses: Record<string, number> = {}
  const errors: Record<string, number> = {}
  for (const s of subs) {
    const k = String(s.status ?? 'none')
    statuses[k] = (statuses[k] ?? 0) + 1
    if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1
  }
  const latency = summarize(hist)
  const delivered = times.length
  const spreadMs = times.length ? Math.max(...times) - Math.min(...times) : 0
  const target = TARGETS.sse
  const checks: Check[] = [
    { name: 'every subscriber connected before the drop went live', ok: connectedOk === count && connectedInTime, detail: `${connectedOk} of ${count} answered 200 text/event-stream in ${connectSec.toFixed(1)} s${connectedInTime ? '' : ' (after startsAt: raise the lead time)'}; statuses ${JSON.stringify(statuses)}${Object.keys(errors).length ? `; errors ${JSON.stringify(errors)}` : ''}` },
    { name: 'every subscriber got drop.live', ok: delivered === connectedOk && connectedOk > 0, detail: `${delivered} of ${connectedOk}` },
    { name: `drop.live delivered < ${target.maxMs} ms after startsAt`, ok: delivered > 0 && latency.max < target.maxMs, speed: true, detail: `p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms; fan-out spread first→last ${spreadMs} ms; from the event's createdAt: p50 ${summarize(fromEvent).p50} ms, max ${summarize(fromEvent).max} ms` },
  ]
  return { subscribers: count, connected: connectedOk, delivered, latency, percentiles: delivered ? Array.from({ length: 101 }, (_, p) => Math.round(hist.getValueAtPercentile(Math.max(p, 0.001)) / 10) / 100) : [], fromEvent: summarize(fromEvent), spreadMs, connectSec, statuses, errors, checks, hist }
}

/** Lead time before startsAt so that `count` subscribers connect first. */
export function sseLeadSec(count: number): number {
  return Math.max(4, Math.ceil(count / 500) + 3)
}

export async function sseOnce(api: Api, seed: Pick<Seeded, 'creatorToken'>, count: number): Promise<SseResult & { dropId: string; startsAt: string }> {
  const productId = await createProduct(api, seed.creatorToken, 99)
  const drop = await createDrop(api, seed.creatorToken, { productId, initialStock: 100, startsInSec: sseLeadSec(count) })
  const r = await measureLive(api.baseUrl, drop.id, drop.startsAt, count)
  return { ...r, dropId: drop.id, startsAt: drop.startsAt }
}
