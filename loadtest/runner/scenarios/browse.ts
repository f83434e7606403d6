/** browse: anonymous storefront reads (drops, products, lists) against a seeded catalog with live drops. */
import { browseRequest, EXPECTED_STATUSES, TARGETS } from '../../workloads'
import { runLoad, type EngineResult } from '../engine'
import { phaseReport, type Check, type PhaseReport } from '../report'
import { seedCatalog, type Seeded } from '../seed'
import type { Api } from '../api'

export async function prepareBrowse(api: Api, runId: string): Promise<Seeded> {
  return seedCatalog(api, runId)
}

export function browseLoad(baseUrl: string, seed: Seeded, rate: number, durationSec: number, connections?: number): Promise<EngineResult> {
  return runLoad({
    baseUrl,
    rate,
    durationSec,
    connections,
    expected: EXPECTED_STATUSES.browse,
    next: (j) => {
      const r = browseRequest(seed, j)
      return { method: 'GET', path: r.path, name: r.name }
    },
  })
}

/** The targets of a load phase: p95, failed-request rate, sends the generator could not make on time, no 5xx. */
export function loadChecks(p: PhaseReport, target: { p95Ms: number; maxErrorRate: number }, label = p.name): Check[] {
  const fivexx = Object.entries(p.statusCounts).filter(([s]) => s.startsWith('5')).reduce((a, [, n]) => a + n, 0)
  return [
    { name: `${label} p95 ≤ ${target.p95Ms} ms`, ok: p.latency.p95 <= target.p95Ms, speed: true, detail: `p95 ${p.latency.p95} ms (p50 ${p.latency.p50}, p99 ${p.latency.p99}, max ${p.latency.max})` },
    { name: `${label} failed requests ≤ ${target.maxErrorRate * 100} %`, ok: p.errorRate <= target.maxErrorRate, speed: true, detail: `${p.failed} of ${p.completed + Object.values(p.errors).reduce((a, b) => a + b, 0)} (${(p.errorRate * 100).toFixed(2)} %)` },
    { name: `${label} no 5xx`, ok: fivexx === 0, detail: `${fivexx} responses 5xx` },
    { name: `${label} arrivals sent on time`, ok: p.late <= TARGETS.maxDroppedRatio * Math.max(1, p.sent), speed: true, detail: `${p.late} of ${p.sent} sent > 1 s late (load generator saturated)` },
  ]
}

export function browsePhase(r: EngineResult, name = 'browse'): { phase: PhaseReport; checks: Check[] } {
  const phase = phaseReport(name, r)
  return { phase, checks: loadChecks(phase, TARGETS.browse) }
}
