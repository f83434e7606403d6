/**
 * Workload and thresholds from __ENV and the shared workloads.ts (the same targets the runner checks).
 *   WORKLOAD=smoke|load|spike|soak (default load)   RATE=…  DURATION=30s   USERS=…   BASE_URL=http://…
 */
import type { Scenario, Threshold } from 'k6/options'
import { parseDuration, TARGETS, WORKLOADS, type RateShape, type WorkloadName } from '../../workloads.ts'

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(/\/$/, '')
export const WORKLOAD = (__ENV.WORKLOAD || 'load') as WorkloadName
if (!WORKLOADS[WORKLOAD]) throw new Error(`WORKLOAD must be one of ${Object.keys(WORKLOADS).join(', ')}`)

/** Tells this run's users, handles and keys apart from any other run's (k6 evaluates this once per VU; setup's value is what counts). */
export const RUN_ID = __ENV.RUN_ID || `k6${Date.now().toString(36).slice(-6)}`

export function shape(kind: 'browse' | 'rush', rateVar = 'RATE'): RateShape {
  const base = WORKLOADS[WORKLOAD][kind]
  return {
    rate: __ENV[rateVar] ? Number(__ENV[rateVar]) : base.rate,
    durationSec: __ENV.DURATION ? parseDuration(__ENV.DURATION) : base.durationSec,
  }
}

/** An open-model scenario: `rate` iterations start every second whatever the latency (k6 drops what it cannot start). */
export function arrival(s: RateShape, exec: string, startTime = '0s'): Scenario {
  return {
    executor: 'constant-arrival-rate',
    exec,
    rate: s.rate,
    timeUnit: '1s',
    duration: `${s.durationSec}s`,
    startTime,
    // enough VUs that a latency up to the timeout does not starve the schedule (VUs ≈ rate × latency)
    preAllocatedVUs: Math.max(10, Math.ceil(s.rate * 0.2)),
    maxVUs: Math.max(50, Math.ceil(s.rate * 2)),
  }
}

/** The targets of one load scenario as k6 thresholds: they are the pass/fail gate of `k6 run`. */
export function loadThresholds(scenario: string, kind: 'browse' | 'rush', s: RateShape): Record<string, Threshold[]> {
  const t = TARGETS[kind]
  return {
    [`http_req_duration{scenario:${scenario}}`]: [`p(95)<=${t.p95Ms}`],
    [`http_req_failed{scenario:${scenario}}`]: [`rate<=${t.maxErrorRate}`],
    [`checks{scenario:${scenario}}`]: ['rate>=0.99'],
    [`dropped_iterations{scenario:${scenario}}`]: [`count<=${Math.floor(s.rate * s.durationSec * TARGETS.maxDroppedRatio)}`],
  }
}
