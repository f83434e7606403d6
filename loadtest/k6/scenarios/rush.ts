/**
 * rush: many buyers ordering from one hot drop with idempotency keys; teardown audits the drop (no oversell).
 *   k6 run -e BASE_URL=http://localhost:3000 [-e WORKLOAD=…] [-e RATE=150 -e DURATION=30s -e USERS=500] loadtest/k6/scenarios/rush.ts
 */
import type { Options } from 'k6/options'
import { assertUp } from '../lib/api.ts'
import { arrival, loadThresholds, RUN_ID, shape } from '../lib/config.ts'
import { auditDrop, correctnessThresholds, order } from '../lib/orders.ts'
import { seedRush, type RushSeed } from '../lib/seed.ts'
import { summaryOutputs } from '../lib/summary.ts'

const s = shape('rush')
const USERS = Number(__ENV.USERS || 500)

export const options: Options = {
  scenarios: { rush: arrival(s, 'rush') },
  thresholds: { ...loadThresholds('rush', 'rush', s), ...correctnessThresholds },
  // registering hundreds of buyers hashes as many passwords
  setupTimeout: '300s',
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
}

export function setup(): RushSeed {
  assertUp()
  return seedRush(RUN_ID, s, USERS)
}

export function rush(seed: RushSeed): void {
  order(seed)
}

export function teardown(seed: RushSeed): void {
  auditDrop(seed)
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[1]) {
  return summaryOutputs('rush', data)
}
