import type { components, Drop, DropEventType } from '@livedrop/sdk'
import type { Context } from '../../context'
import { EXIT, unwrap, type ExitCode } from '../../errors'
import { progressBar, type Palette, type Stream } from '../../output'
import { formatDuration, formatLocal } from '../../time'

/** What the live view shows, folded from the drop as fetched and then from each stream event. */
export interface WatchView {
  dropId: string
  title?: string
  status: string
  startsAt: number
  endsAt: number | null
  initialStock: number
  availableStock: number
  lowStockThreshold: number | null
  lowStock: boolean
  soldOut: boolean
  /** Units sold, by when the stock event that showed them arrived (for orders/s). */
  sales: Array<{ at: number; units: number }>
  watchingSince: number
  last?: { type: string; at: number }
  /** A queued drop's line (owner's `GET /v1/drops/{dropId}/queue/stats`); `hidden` when the caller may not see it. */
  line?: { admitPerSecond: number | null; stats?: QueueStats; hidden?: string }
}

export type QueueStats = components['schemas']['QueueStats']

export const RATE_WINDOW_MS = 5000

export function initialView(drop: Drop, now: number, title?: string): WatchView {
  return {
    dropId: drop.id,
    title,
    status: drop.status,
    startsAt: Date.parse(drop.startsAt),
    endsAt: drop.endsAt ? Date.parse(drop.endsAt) : null,
    initialStock: drop.initialStock,
    availableStock: drop.availableStock,
    lowStockThreshold: drop.lowStockThreshold,
    lowStock: drop.lowStockThreshold !== null && drop.availableStock <= drop.lowStockThreshold,
    soldOut: drop.availableStock === 0,
    sales: [],
    watchingSince: now,
    ...(drop.access.mode === 'queue' ? { line: { admitPerSecond: drop.access.admitPerSecond } } : {}),
  }
}

/** The line's figures as last polled, or why they cannot be shown (not the owner, not logged in). */
export function applyQueueStats(v: WatchView, stats: QueueStats | { hidden: string }): WatchView {
  if (!v.line) return v
  return 'hidden' in stats ? { ...v, line: { ...v.line, stats: undefined, hidden: stats.hidden } } : { ...v, line: { admitPerSecond: stats.admitPerSecond, stats } }
}

/** "1,234 waiting · 12.0 admitted/s of 20/s · 480 bought · 3 expired" */
export function lineSummary(line: NonNullable<WatchView['line']>, c: Palette): string {
  if (line.hidden) return c.dim(line.hidden)
  const s = line.stats
  if (!s) return c.dim(`waiting room at ${line.admitPerSecond ?? '?'}/s · figures coming…`)
  const n = (x: number) => x.toLocaleString('en-US')
  return `${c.bold(n(s.waiting))} waiting  ${c.dim('·')}  ${s.admissionRate.toFixed(1)} admitted/s ${c.dim(`of ${s.admitPerSecond}/s`)}  ${c.dim('·')}  ` +
    `${n(s.admitted)} admitted  ${c.dim('·')}  ${n(s.bought)} bought  ${c.dim('·')}  ${n(s.expired)} expired`
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** Folds one stream event into the view (payloads as in openapi.yaml `streamDropEvents`). */
export function applyEvent(v: WatchView, type: DropEventType, data: unknown, now: number): WatchView {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
  const next: WatchView = { ...v, last: { type, at: now } }
  if (typeof d.status === 'string') next.status = d.status
  if (typeof d.startsAt === 'string') next.startsAt = Date.parse(d.startsAt)
  if (d.endsAt === null || typeof d.endsAt === 'string') next.endsAt = d.endsAt === null ? null : Date.parse(d.endsAt)
  if (num(d.initialStock) !== undefined) next.initialStock = num(d.initialStock)!
  if (d.lowStockThreshold === null || num(d.lowStockThreshold) !== undefined) next.lowStockThreshold = (d.lowStockThreshold as number | null)
  const stock = num(d.availableStock)
  if (stock !== undefined) {
    // The public stream carries stock levels, not orders: the units sold are the drops between two levels.
    // `state`/`reset` re-sync the level without counting the gap as sales in this window.
    if (type === 'drop.stock' && stock < v.availableStock) next.sales = [...v.sales, { at: now, units: v.availableStock - stock }]
    next.availableStock = stock
  }
  if (type === 'drop.live') next.status = 'live'
  if (type === 'drop.ended') next.status = 'ended'
  if (type === 'drop.cancelled') next.status = 'cancelled'
  if (type === 'drop.low_stock') next.lowStock = true
  if (type === 'drop.sold_out') next.soldOut = true
  if (next.availableStock === 0) next.soldOut = true
  if (next.lowStockThreshold !== null && next.availableStock <= next.lowStockThreshold) next.lowStock = true
  next.sales = next.sales.filter((s) => s.at > now - RATE_WINDOW_MS)
  return next
}

/** Units sold per second over the last few seconds (or since watching began, when that is shorter). */
export function ordersPerSecond(v: WatchView, now: number): number {
  const recent = v.sales.filter((s) => s.at > now - RATE_WINDOW_MS)
  if (recent.length === 0) return 0
  const span = Math.max(1000, Math.min(RATE_WINDOW_MS, now - v.watchingSince))
  return (recent.reduce((n, s) => n + s.units, 0) * 1000) / span
}

export const isFinal = (status: string) => status === 'ended' || status === 'cancelled'

/** "0:01:05", "2d 03:04:05": a countdown that ticks visibly every second. */
export function clock(ms: number): string {
  let s = Math.max(0, Math.ceil(ms / 1000))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d ? `${d}d ` : ''}${d ? p(h) : h}:${p(m)}:${p(s % 60)}`
}

function badge(status: string, c: Palette): string {
  switch (status) {
    case 'live':
      return c.green('● LIVE')
    case 'scheduled':
      return c.cyan('○ SCHEDULED')
    case 'cancelled':
      return c.red('✕ CANCELLED')
    case 'ended':
      return c.dim('■ ENDED')
    default:
      return status.toUpperCase()
  }
}

/** The live view's lines, pure (rendered from the view and the clock only). */
export function renderView(v: WatchView, now: number, c: Palette, columns = 80): string[] {
  const label = (s: string) => c.dim(s.padEnd(10))
  // Every line must fit the terminal: a wrapped line would throw off the cursor-up count of the next redraw.
  const barWidth = Math.max(10, Math.min(40, columns - 50))
  const title = (v.title ?? 'Drop').slice(0, Math.max(10, columns - 40))
  const sold = v.initialStock - v.availableStock
  const flags = [v.soldOut ? c.red('SOLD OUT') : v.lowStock ? c.yellow('LOW STOCK') : ''].filter(Boolean).join(' ')
  const startLine = v.status === 'scheduled'
    ? now < v.startsAt ? `${label('Starts in')}${c.bold(clock(v.startsAt - now))}  ${c.dim(`at ${formatLocal(new Date(v.startsAt))} local`)}` : `${label('Starts in')}${c.bold('0:00:00')}  ${c.dim('going live…')}`
    : `${label('Started')}${formatDuration(now - v.startsAt)} ago  ${c.dim(`at ${formatLocal(new Date(v.startsAt))} local`)}`
  const endLine = v.endsAt === null
    ? `${label('Ends')}${c.dim('open-ended')}`
    : v.endsAt > now ? `${label('Ends in')}${clock(v.endsAt - now)}` : `${label('Ended')}${formatDuration(now - v.endsAt)} ago`
  return [
    `${c.bold(title)} ${c.dim(v.dropId)}`,
    `${label('Status')}${badge(v.status, c)}`,
    startLine,
    endLine,
    `${label('Stock')}${progressBar(v.availableStock, v.initialStock, barWidth)} ${c.bold(String(v.availableStock))} / ${v.initialStock} left${flags ? `  ${flags}` : ''}`,
    `${label('Sold')}${sold}  ${c.dim('·')}  ${ordersPerSecond(v, now).toFixed(1)} orders/s`,
    ...(v.line ? [`${label('Line')}${lineSummary(v.line, c)}`] : []),
    `${label('Last')}${v.last ? `${v.last.type} ${c.dim(`${formatDuration(now - v.last.at)} ago`)}` : c.dim('waiting for events…')}`,
    c.dim('Ctrl-C to stop watching'),
  ]
}

/** Redraws a block of lines in place: cursor up over the previous block, clear, write. */
function createScreen(out: Stream) {
  let drawn = 0
  out.write('\x1b[?25l')
  return {
    draw(lines: string[]) {
      out.write((drawn ? `\x1b[${drawn}F\x1b[J` : '') + lines.join('\n') + '\n')
      drawn = lines.length
    },
    close() {
      out.write('\x1b[?25h')
    },
  }
}

/**
 * `drops watch`: the drop's SSE stream through the SDK (which reconnects with Last-Event-ID by itself). Ends when
 * the drop ends or is cancelled, when the server closes the stream for good, or on Ctrl-C (ctx.signal).
 */
export async function watchDrop(ctx: Context, dropId: string): Promise<ExitCode> {
  const sdk = ctx.sdk()
  const drop = unwrap(await sdk.GET('/v1/drops/{dropId}', { params: { path: { dropId } } }))
  const stop = new AbortController()
  const onInterrupt = () => stop.abort()
  if (ctx.signal.aborted) return EXIT.interrupted
  ctx.signal.addEventListener('abort', onInterrupt, { once: true })
  const events = sdk.subscribe({ dropId }, { signal: stop.signal })
  // A queued drop's line: the owner's figures, polled every second while watching.
  let onStats: (s: QueueStats | { hidden: string }) => void = () => {}
  const poller = drop.access.mode === 'queue' ? pollQueueStats(ctx, dropId, (s) => onStats(s)) : null

  try {
    if (ctx.json || !ctx.rt.stdout.isTTY) {
      // Each poll as its own line, beside the stream's events (no id: it is no stream event).
      onStats = (s) => {
        if (!('hidden' in s)) ctx.rt.stdout.write(JSON.stringify({ id: null, type: 'queue.stats', dropId, data: s, createdAt: new Date(ctx.now()).toISOString() }) + '\n')
      }
      for await (const e of events) {
        ctx.rt.stdout.write(JSON.stringify({ id: e.id, type: e.type, dropId: e.dropId ?? dropId, data: e.data, createdAt: e.createdAt }) + '\n')
        if (isFinal(statusOf(e.type, e.data))) break
      }
      return ctx.signal.aborted ? EXIT.interrupted : EXIT.ok
    }

    const product = await sdk.GET('/v1/products/{productId}', { params: { path: { productId: drop.productId } } }).catch(() => null)
    let view = initialView(drop, ctx.now(), product?.data?.title)
    const screen = createScreen(ctx.rt.stdout)
    const draw = () => screen.draw(renderView(view, ctx.now(), ctx.out, ctx.rt.stdout.columns ?? 80))
    onStats = (s) => {
      view = applyQueueStats(view, s)
      draw()
    }
    draw()
    // The countdown, "ago" times and orders/s move without events: redraw every second too.
    const ticker = setInterval(draw, 1000)
    try {
      for await (const e of events) {
        view = applyEvent(view, e.type, e.data, ctx.now())
        draw()
        if (isFinal(view.status)) break
      }
    } finally {
      clearInterval(ticker)
      draw()
      screen.close()
    }
    const sold = view.initialStock - view.availableStock
    if (view.status === 'ended') ctx.info(`Drop ended: ${sold} of ${view.initialStock} sold`)
    else if (view.status === 'cancelled') ctx.info(`Drop cancelled: ${sold} of ${view.initialStock} had sold`)
    else ctx.info('Stopped watching')
    // Ctrl-C is 130 like any interrupted program (and `npx` reports 130 whatever the CLI says); the drop
    // ending or being cancelled is the watch's normal end: 0.
    return ctx.signal.aborted ? EXIT.interrupted : EXIT.ok
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt)
    poller?.stop()
    stop.abort()
  }
}

/** Polls the owner's queue figures every `everyMs`; someone else (404/401/403) is told once, and polling stops. */
function pollQueueStats(ctx: Context, dropId: string, report: (s: QueueStats | { hidden: string }) => void, everyMs = 1000) {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const poll = async () => {
    const res = await ctx.sdk().GET('/v1/drops/{dropId}/queue/stats', { params: { path: { dropId } } }).catch(() => null)
    if (stopped) return
    if (res?.data) report(res.data)
    else if (res && [401, 403, 404].includes(res.response.status)) {
      report({ hidden: 'the line\'s figures are shown to the drop\'s owner (log in as the creator)' })
      return
    }
    // Anything else (a 503 while Redis is away, a lost answer) keeps the last figures and tries again.
    timer = setTimeout(() => void poll(), everyMs)
  }
  void poll()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

function statusOf(type: DropEventType, data: unknown): string {
  if (type === 'drop.ended') return 'ended'
  if (type === 'drop.cancelled') return 'cancelled'
  const s = (data as { status?: unknown } | null)?.status
  return typeof s === 'string' ? s : ''
}
