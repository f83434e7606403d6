/**
 * What a run found, in three forms: a table on stdout, results/<scenario>-<time>.json, and a self-contained
 * HTML page (inline SVG, no CDN) with latency over time.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, type as osType, release } from 'node:os'
import { join } from 'node:path'
import { summarize, type EngineResult, type Summary } from './engine'

export interface Check {
  name: string
  ok: boolean
  detail: string
  /** a speed target (p95, on-time sending, delivery time); the rest is correctness, which CI gates on */
  speed?: boolean
}

export interface TimelinePoint {
  /** second of the run (by intended send time) */
  t: number
  count: number
  failed: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** A phase as reported: the engine's counts, with rates and latency summarised. */
export interface PhaseReport extends Pick<EngineResult, 'rate' | 'durationSec' | 'connections' | 'sent' | 'completed' | 'failed' | 'late' | 'statusCounts' | 'errors'> {
  name: string
  errorRate: number
  achievedRate: number
  latency: Summary
  byRoute: Record<string, Summary & { failed: number }>
  timeline: TimelinePoint[]
}

export interface RunReport {
  scenario: string
  startedAt: string
  target: string
  server: string
  machine: { cpus: number; cpuModel: string; memGiB: number; os: string; runtime: string }
  params: Record<string, unknown>
  phases: PhaseReport[]
  /** find-max: one line per step */
  steps?: { rate: number; p95: number; errorRate: number; late: number; held: boolean }[]
  maxRateHeld?: number | null
  /** sse and other non-HTTP measurements */
  extra?: Record<string, unknown>
  checks: Check[]
  pass: boolean
}

export function machine(): RunReport['machine'] {
  const c = cpus()
  const bun = (process.versions as Record<string, string | undefined>).bun
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    runtime: bun ? `bun ${bun}` : `node ${process.versions.node}`,
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function timeline(r: EngineResult): TimelinePoint[] {
  const buckets = new Map<number, { ms: number[]; failed: number }>()
  for (const s of r.samples) {
    const t = Math.max(0, Math.floor(s.at))
    const b = buckets.get(t) ?? { ms: [], failed: 0 }
    b.ms.push(s.ms)
    if (!s.ok) b.failed++
    buckets.set(t, b)
  }
  const round = (n: number) => Math.round(n * 100) / 100
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, b]) => {
    const ms = b.ms.sort((x, y) => x - y)
    return { t, count: ms.length, failed: b.failed, p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)), p99: round(percentile(ms, 99)), max: round(ms[ms.length - 1] ?? 0) }
  })
}

export function phaseReport(name: string, r: EngineResult): PhaseReport {
  const attempts = r.completed + Object.values(r.errors).reduce((a, b) => a + b, 0)
  return {
    name,
    rate: r.rate,
    durationSec: r.durationSec,
    connections: r.connections,
    sent: r.sent,
    completed: r.completed,
    failed: r.failed,
    errorRate: attempts ? r.failed / attempts : 0,
    late: r.late,
    achievedRate: Math.round((r.completed / r.durationSec) * 10) / 10,
    statusCounts: r.statusCounts,
    errors: r.errors,
    latency: summarize(r.hist),
    byRoute: Object.fromEntries(Object.entries(r.byRoute).map(([k, v]) => [k, { ...summarize(v.hist), failed: v.failed }])),
    timeline: timeline(r),
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length))
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s)

export function table(report: RunReport): string {
  const lines: string[] = []
  lines.push(`LiveDrop load test: ${report.scenario}   target ${report.target}`)
  lines.push(`machine: ${report.machine.cpus} CPU (${report.machine.cpuModel}), ${report.machine.memGiB} GiB, ${report.machine.runtime}; load generator on the same machine: ${/^https?:\/\/(localhost|127\.|\[::1\])/.test(report.target) ? 'yes' : 'no'}`)
  for (const p of report.phases) {
    lines.push('')
    lines.push(`${p.name}: ${p.rate}/s for ${p.durationSec}s over ${p.connections} connections; sent ${p.sent}, answered ${p.completed} (${p.achievedRate}/s), failed ${p.failed} (${(p.errorRate * 100).toFixed(2)} %), late sends ${p.late}`)
    lines.push(`  statuses ${Object.entries(p.statusCounts).map(([k, v]) => `${k}×${v}`).join(' ')}${Object.keys(p.errors).length ? `   errors ${Object.entries(p.errors).map(([k, v]) => `${k}×${v}`).join(', ')}` : ''}`)
    const note = replayNote(p, report)
    if (note) lines.push(`  ${note}`)
    lines.push(`  ${pad('route', 34)}${lpad('count', 8)}${lpad('failed', 8)}${lpad('p50 ms', 9)}${lpad('p95 ms', 9)}${lpad('p99 ms', 9)}${lpad('max ms', 9)}`)
    const rows: [string, Summary & { failed: number }][] = [...Object.entries(p.byRoute), ['all', { ...p.latency, failed: p.failed }]]
    for (const [k, s] of rows) {
      lines.push(`  ${pad(k, 34)}${lpad(String(s.count), 8)}${lpad(String(s.failed), 8)}${lpad(s.p50.toFixed(1), 9)}${lpad(s.p95.toFixed(1), 9)}${lpad(s.p99.toFixed(1), 9)}${lpad(s.max.toFixed(1), 9)}`)
    }
  }
  if (report.steps) {
    lines.push('')
    lines.push(`find-max steps:  ${pad('rate/s', 8)}${lpad('p95 ms', 9)}${lpad('errors', 9)}${lpad('late', 7)}  held`)
    for (const s of report.steps) lines.push(`                 ${pad(String(s.rate), 8)}${lpad(s.p95.toFixed(1), 9)}${lpad((s.errorRate * 100).toFixed(2) + '%', 9)}${lpad(String(s.late), 7)}  ${s.held ? 'yes' : 'NO'}`)
    lines.push(`highest rate held: ${report.maxRateHeld ?? 'none'}/s`)
  }
  if (report.extra) {
    lines.push('')
    for (const [k, v] of Object.entries(report.extra)) {
      const shown = k === 'sse' ? { ...(v as object), deliveryPercentilesMs: undefined } : v
      lines.push(`${k}: ${typeof shown === 'object' ? JSON.stringify(shown) : shown}`)
    }
  }
  lines.push('')
  for (const c of report.checks) lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`)
  lines.push('')
  lines.push(report.pass ? 'RESULT: PASS' : 'RESULT: FAIL')
  return lines.join('\n')
}

/**
 * Parameters a scenario does not read (run.ts: `defaults` fills every one for every scenario). Anything not
 * listed is shown, so a new parameter never disappears from the report unnoticed.
 */
const UNUSED_PARAMS: Record<string, string[]> = {
  browse: ['orderRate', 'users', 'subscribers'],
  rush: ['orderRate', 'subscribers'],
  sse: ['rate', 'orderRate', 'durationSec', 'users', 'warmupSec', 'connections', 'findMax'],
  'drop-day': ['findMax'],
}

export function paramsShown(report: Pick<RunReport, 'scenario' | 'params'>): Record<string, unknown> {
  const unused = UNUSED_PARAMS[report.scenario.replace(/-find-max$/, '')] ?? []
  return Object.fromEntries(Object.entries(report.params).filter(([k]) => !unused.includes(k)))
}

/** The retried-key route of the rush (rush.ts names it so): its 201s are replays, not sales. */
const RETRY_ROUTE = /\(retry of a key\)/

/**
 * Why there are more 201s than orders: a request re-sending an earlier Idempotency-Key (as a client retrying after
 * a lost answer) is answered with that key's first answer again, `Idempotent-Replayed: true`, and buys nothing.
 */
export function replayNote(p: PhaseReport, report: Pick<RunReport, 'phases' | 'extra'>): string | null {
  const retries = Object.entries(p.byRoute).filter(([k]) => RETRY_ROUTE.test(k)).reduce((n, [, s]) => n + s.count, 0)
  if (!retries) return null
  const created = report.extra?.audit && report.phases.filter((q) => Object.keys(q.byRoute).some((k) => RETRY_ROUTE.test(k))).length === 1 ? Number((report.extra.audit as { confirmedQuantity?: number }).confirmedQuantity) : NaN
  const n201 = p.statusCounts['201'] ?? 0
  const sum = Number.isFinite(created) ? ` Here: ${n201} answers 201 = ${created} orders created (the audit) + ${n201 - created} replays of a retried key.` : ''
  return `${retries} requests re-sent an earlier Idempotency-Key, as a client retrying after a lost answer does: each got that key's first answer again (Idempotent-Replayed: true), so a replayed 201 is the same order, not a new sale.${sum}`
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** The smallest 1, 2 or 5 × 10ⁿ at or above v: an axis top that reads well. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p
}

/**
 * The latency axis of a phase: scaled to what was measured (a 500 ms target must not flatten 20 ms lines onto
 * the floor), stretched to include the target only when the target is near the data (within 2×).
 */
export function latencyScale(pts: TimelinePoint[], targetMs?: number): { maxY: number; targetOnScale: boolean } {
  const dataMax = Math.max(0, ...pts.map((x) => x.p99))
  const targetOnScale = targetMs !== undefined && targetMs <= Math.max(dataMax, 1) * 2
  return { maxY: niceCeil(Math.max(dataMax * 1.1, targetOnScale ? targetMs! * 1.05 : 0, 1)), targetOnScale }
}

/** Latency over time for one phase as an inline SVG: p50, p95, p99 per second, failures as red ticks. */
function chart(p: PhaseReport, targetP95?: number): string {
  const W = 880
  const H = 280
  const L = 56
  const B = 32
  const pts = p.timeline
  if (pts.length === 0) return '<p>no samples</p>'
  const maxT = Math.max(1, pts[pts.length - 1]!.t + 1)
  const { maxY, targetOnScale } = latencyScale(pts, targetP95)
  const x = (t: number) => L + ((t + 0.5) / maxT) * (W - L - 10)
  const y = (v: number) => H - B - (v / maxY) * (H - B - 10)
  const line = (key: 'p50' | 'p95' | 'p99', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((q) => `${x(q.t).toFixed(1)},${y(q[key]).toFixed(1)}`).join(' ')}"/>`
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = maxY * f
    return `<line x1="${L}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${Number(v.toPrecision(3))}</text>`
  })
  const xt = Array.from({ length: Math.min(10, maxT) + 1 }, (_, i) => Math.round((i * maxT) / Math.min(10, maxT))).map(
    (t) => `<text x="${x(t - 0.5)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${t}s</text>`,
  )
  const fails = pts.filter((q) => q.failed > 0).map((q) => `<rect x="${x(q.t) - 2}" y="${H - B - 6}" width="4" height="6" fill="#d22"><title>${q.failed} failed</title></rect>`)
  const target = !targetP95
    ? ''
    : targetOnScale
      ? `<line x1="${L}" x2="${W - 10}" y1="${y(targetP95)}" y2="${y(targetP95)}" stroke="#d22" stroke-dasharray="6 4"/><text x="${W - 12}" y="${y(targetP95) - 4}" text-anchor="end" font-size="11" fill="#d22">target p95 ${targetP95} ms</text>`
      : `<line x1="${L}" x2="${W - 10}" y1="${y(maxY)}" y2="${y(maxY)}" stroke="#d22" stroke-dasharray="2 4"/><text x="${W - 12}" y="${y(maxY) + 14}" text-anchor="end" font-size="11" fill="#d22">▲ target p95 ${targetP95} ms, ${Math.round(targetP95 / maxY)}× above this scale</text>`
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="latency over time">${ticks.join('')}${line('p50', '#4a90d9')}${line('p95', '#f5a623')}${line('p99', '#9013fe')}${target}${fails.join('')}${xt.join('')}<text x="12" y="${H / 2}" transform="rotate(-90 12 ${H / 2})" font-size="11" text-anchor="middle">ms</text></svg>
<p class="legend"><span style="color:#4a90d9">■ p50</span> <span style="color:#f5a623">■ p95</span> <span style="color:#9013fe">■ p99</span> <span style="color:#d22">▮ failures</span> (per second of intended send time; axis scaled to the data${targetP95 && !targetOnScale ? `, the p95 target of ${targetP95} ms is off the top` : ''})</p>`
}

/** drop.live delivery as a distribution: ms after startsAt (y) by share of subscribers (x). */
function deliveryChart(percentiles: number[], targetMs: number): string {
  if (percentiles.length < 2) return ''
  const W = 880
  const H = 240
  const L = 56
  const B = 32
  const dataMax = Math.max(1, ...percentiles)
  const targetOnScale = targetMs <= dataMax * 2
  const maxY = niceCeil(Math.max(dataMax * 1.1, targetOnScale ? targetMs * 1.05 : 0))
  const x = (p: number) => L + (p / 100) * (W - L - 10)
  const y = (v: number) => H - B - (v / maxY) * (H - B - 10)
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line x1="${L}" x2="${W - 10}" y1="${y(maxY * f)}" y2="${y(maxY * f)}" stroke="#eee"/><text x="${L - 6}" y="${y(maxY * f) + 4}" text-anchor="end" font-size="11">${Number((maxY * f).toPrecision(3))}</text>`)
  const xt = [0, 25, 50, 75, 95, 100].map((p) => `<text x="${x(p)}" y="${H - B + 16}" text-anchor="middle" font-size="11">p${p}</text>`)
  return `<h2>drop.live delivery (ms after startsAt, by share of subscribers)</h2><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="delivery latency distribution">${ticks.join('')}${targetOnScale ? `<line x1="${L}" x2="${W - 10}" y1="${y(targetMs)}" y2="${y(targetMs)}" stroke="#d22" stroke-dasharray="6 4"/><text x="${W - 12}" y="${y(targetMs) - 4}" text-anchor="end" font-size="11" fill="#d22">target ${targetMs} ms</text>` : `<text x="${W - 12}" y="${y(maxY) + 14}" text-anchor="end" font-size="11" fill="#d22">▲ target ${targetMs} ms, ${Math.round(targetMs / maxY)}× above this scale</text>`}<polyline fill="none" stroke="#4a90d9" stroke-width="2" points="${percentiles.map((v, p) => `${x(p).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>${xt.join('')}</svg>`
}

export function html(report: RunReport, targets: Record<string, number | undefined> = {}): string {
  const phases = report.phases
    .map((p) => `<h2>${esc(p.name)}: ${p.rate}/s for ${p.durationSec}s</h2>${chart(p, targets[p.name] ?? targets[report.scenario.replace('-find-max', '')])}
<table><tr><th>route</th><th>count</th><th>failed</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>
${[...Object.entries(p.byRoute), ['all', { ...p.latency, failed: p.failed }] as const].map(([k, s]) => `<tr><td>${esc(k)}</td><td>${s.count}</td><td>${s.failed}</td><td>${s.p50}</td><td>${s.p95}</td><td>${s.p99}</td><td>${s.max}</td></tr>`).join('\n')}
</table><p>statuses: ${esc(JSON.stringify(p.statusCounts))} · errors: ${esc(JSON.stringify(p.errors))} · late sends: ${p.late}</p>${((note) => (note ? `<p class="note">${esc(note)}</p>` : ''))(replayNote(p, report))}`)
    .join('\n')
  const steps = report.steps
    ? `<h2>find-max</h2><table><tr><th>rate/s</th><th>p95 ms</th><th>error rate</th><th>late</th><th>held</th></tr>${report.steps.map((s) => `<tr><td>${s.rate}</td><td>${s.p95}</td><td>${(s.errorRate * 100).toFixed(2)} %</td><td>${s.late}</td><td>${s.held ? 'yes' : 'no'}</td></tr>`).join('')}</table><p>Highest rate held: <b>${report.maxRateHeld ?? 'none'}</b>/s</p>`
    : ''
  const sse = report.extra?.sse as { deliveryPercentilesMs?: number[] } | undefined
  const delivery = sse?.deliveryPercentilesMs ? deliveryChart(sse.deliveryPercentilesMs, targets.sse ?? 2000) : ''
  const extra = report.extra ? `${delivery}<h2>measurements</h2><pre>${esc(JSON.stringify(report.extra, null, 2))}</pre>` : ''
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LiveDrop load test: ${esc(report.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}.pass{color:#080}.fail{color:#c00}.legend{font-size:12px}.note{font-size:13px;color:#444;max-width:60em}</style></head><body>
<h1>LiveDrop load test: ${esc(report.scenario)} <span class="${report.pass ? 'pass' : 'fail'}">${report.pass ? 'PASS' : 'FAIL'}</span></h1>
<p>${esc(report.startedAt)} · target ${esc(report.target)} · ${esc(report.server)}<br>machine: ${report.machine.cpus} CPU (${esc(report.machine.cpuModel)}), ${report.machine.memGiB} GiB, ${esc(report.machine.os)}, ${esc(report.machine.runtime)}</p>
<ul>${report.checks.map((c) => `<li class="${c.ok ? 'pass' : 'fail'}">${c.ok ? 'PASS' : 'FAIL'} ${esc(c.name)}: ${esc(c.detail)}</li>`).join('')}</ul>
${steps}${phases}${extra}
<h2>parameters</h2><pre>${esc(JSON.stringify(paramsShown(report), null, 2))}</pre>
</body></html>
`
}

export function writeReport(report: RunReport, dir: string, targets: Record<string, number | undefined> = {}): { json: string; html: string } {
  mkdirSync(dir, { recursive: true })
  const stamp = report.startedAt.replace(/[:.]/g, '-')
  const base = join(dir, `${report.scenario}-${stamp}`)
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2))
  writeFileSync(`${base}.html`, html(report, targets))
  return { json: `${base}.json`, html: `${base}.html` }
}
