import { describe, expect, test } from 'bun:test'
import { html, latencyScale, niceCeil, paramsShown, replayNote, table, type PhaseReport, type RunReport } from './report'

const summary = { count: 100, mean: 10, p50: 8, p90: 15, p95: 18, p99: 25, max: 30 }
function phase(over: Partial<PhaseReport> = {}): PhaseReport {
  return {
    name: 'rush', rate: 150, durationSec: 10, connections: 15, sent: 1500, completed: 1500, failed: 0, errorRate: 0, late: 0, achievedRate: 150,
    statusCounts: { '201': 930, '409': 570 }, errors: {}, latency: summary,
    byRoute: { 'POST /v1/orders': { ...summary, count: 1425, failed: 0 }, 'POST /v1/orders (retry of a key)': { ...summary, count: 75, failed: 0 } },
    timeline: Array.from({ length: 10 }, (_, t) => ({ t, count: 150, failed: 0, p50: 6 + t, p95: 15 + t, p99: 20 + t, max: 31 })),
    ...over,
  } as PhaseReport
}
function report(over: Partial<RunReport> = {}): RunReport {
  return {
    scenario: 'rush', startedAt: '2026-12-02T04:00:00.000Z', target: 'http://127.0.0.1:3000', server: 'x',
    machine: { cpus: 2, cpuModel: 'cpu', memGiB: 8, os: 'linux', runtime: 'bun' },
    params: { rate: 150, orderRate: 150, durationSec: 10, users: 1000, subscribers: 0, warmupSec: 2, findMax: false, connections: 'auto (rate / 10)', runId: 'abc' },
    phases: [phase()], extra: { audit: { confirmedQuantity: 900 } }, checks: [], pass: true, ...over,
  }
}
/** The y-axis labels of the first chart, bottom to top. */
const yTicks = (page: string) => [...page.split('<svg')[1]!.matchAll(/text-anchor="end" font-size="11">([\d.]+)<\/text>/g)].map((m) => Number(m[1]))

describe('HTML report', () => {
  test('the latency axis is scaled to the data, the far-off target marked above it', () => {
    const page = html(report(), { rush: 500 })
    expect(Math.max(...yTicks(page))).toBe(50) // p99 peaks at 29 ms: the axis tops at 50, not 550
    expect(page).toContain('▲ target p95 500 ms, 10× above this scale')
    // A target near the data is drawn on the scale itself.
    expect(latencyScale(phase().timeline, 40)).toEqual({ maxY: 50, targetOnScale: true })
    expect(html(report(), { rush: 40 })).toContain('>target p95 40 ms</text>')
    expect([niceCeil(0.3), niceCeil(31.9), niceCeil(120), niceCeil(500)]).toEqual([0.5, 50, 200, 500])
  })

  test('only the parameters the scenario used', () => {
    expect(Object.keys(paramsShown(report()))).toEqual(['rate', 'durationSec', 'users', 'warmupSec', 'findMax', 'connections', 'runId'])
    expect(Object.keys(paramsShown(report({ scenario: 'sse' })))).toEqual(['subscribers', 'runId'])
    expect(Object.keys(paramsShown(report({ scenario: 'browse-find-max' })))).toEqual(['rate', 'durationSec', 'warmupSec', 'findMax', 'connections', 'runId'])
    const page = html(report())
    expect(page.split('<h2>parameters</h2>')[1]).not.toContain('orderRate')
  })

  test('201s of retried keys are explained as replays, with the audit count', () => {
    const note = replayNote(phase(), report())!
    expect(note).toContain('75 requests re-sent an earlier Idempotency-Key')
    expect(note).toContain('930 answers 201 = 900 orders created (the audit) + 30 replays of a retried key')
    expect(html(report())).toContain('Idempotent-Replayed: true')
    expect(table(report())).toContain('a replayed 201 is the same order, not a new sale')
    expect(replayNote(phase({ byRoute: { 'GET /v1/drops/{id}': { ...summary, failed: 0 } } }), report())).toBeNull()
  })
})
