/**
 * sse: N subscribers on one drop's public stream (GET /v1/drops/{dropId}/events, text/event-stream) while the
 * drop is scheduled; the drop goes live at startsAt and every subscriber's `drop.live` is timed.
 *
 * Delivery latency = when the subscriber read the event − the drop's startsAt. That is what a follower sees
 * ("tells every follower within seconds"): it includes the scheduler's lag (up to 1 s by contract), the
 * relay and the fan-out. The spread first→last subscriber isolates the fan-out. Against a remote --target
 * the two clocks differ, so the figure is only as good as their sync.
 *
 * Subscribers are raw TCP sockets with a minimal HTTP/1.1 + chunked + SSE parser: thousands of them cost a few
 * MB in the generator, where thousands of fetch streams would compete with the server for the same CPU.
 */
import { createParser } from 'eventsource-parser'
import { connect, type Socket } from 'node:net'
import { TARGETS } from '../../workloads'
import * as hdr from 'hdr-histogram-js'
import { newHistogram, summarize, type Summary } from '../engine'
import type { Check } from '../report'
import type { Api } from '../api'
import { createDrop, createProduct, type Seeded } from '../seed'

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

/** Decodes an HTTP/1.1 response (chunked or not) into SSE events, calling onEvent(type) per complete event. */
function parser(sub: Subscriber, onEvent: (type: string, data: string) => void) {
  let head = ''
  let headDone = false
  let chunked = false
  let raw = Buffer.alloc(0)
  // SSE fields by eventsource-parser (what the SDK uses); this function only undoes HTTP/1.1 framing.
  const sse = createParser({ onEvent: (m) => onEvent(m.event ?? 'message', m.data) })
  let chunkLeft = 0

  const feedText = (s: string) => sse.feed(s)

  return (chunk: Buffer) => {
    if (!headDone) {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      const lines = head.slice(0, end).split('\r\n')
      sub.status = Number(lines[0]!.split(' ')[1])
      for (const l of lines.slice(1)) {
        const [k, ...v] = l.split(':')
        const key = k!.trim().toLowerCase()
        const value = v.join(':').trim()
        if (key === 'content-type') sub.contentType = value
        if (key === 'transfer-encoding' && /chunked/i.test(value)) chunked = true
      }
      headDone = true
      chunk = Buffer.from(head.slice(end + 4), 'latin1')
    }
    if (!chunked) return feedText(chunk.toString('utf8'))
    raw = Buffer.concat([raw, chunk])
    for (;;) {
      if (chunkLeft > 0) {
        if (raw.length === 0) return
        const take = Math.min(chunkLeft, raw.length)
        feedText(raw.subarray(0, take).toString('utf8'))
        raw = raw.subarray(take)
        chunkLeft -= take
        if (chunkLeft > 0) return
        continue
      }
      // chunk header (after the previous chunk's CRLF)
      const nl = raw.indexOf('\r\n')
      if (nl === -1) return
      const line = raw.subarray(0, nl).toString('latin1')
      raw = raw.subarray(nl + 2)
      if (line === '') continue
      chunkLeft = parseInt(line, 16)
      if (chunkLeft === 0) return
    }
  }
}

export function subscribe(baseUrl: string, path: string, onLive: (sub: Subscriber) => void): Promise<Subscriber> {
  const url = new URL(baseUrl)
  return new Promise((resolve) => {
    const socket = connect(Number(url.port || 80), url.hostname)
    const sub: Subscriber = { socket, status: null, contentType: null, liveAt: null, eventAt: null, events: 0, error: null }
    let settled = false
    const settle = () => {
      if (!settled) {
        settled = true
        resolve(sub)
      }
    }
    const feed = parser(sub, (type, data) => {
      sub.events++
      if (type === 'drop.live' && sub.liveAt === null) {
        sub.liveAt = Date.now()
        try {
          const at = Date.parse(JSON.parse(data).createdAt)
          if (Number.isFinite(at)) sub.eventAt = at
        } catch {}
        onLive(sub)
      }
    })
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n`))
    socket.on('data', (c: Buffer) => {
      feed(c)
      if (sub.status !== null) settle()
    })
    socket.on('error', (e) => {
      sub.error = e.message
      settle()
    })
    socket.on('close', () => {
      if (sub.status === null) sub.error ??= 'closed before answering'
      settle()
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
