/**
 * browse: anonymous storefront reads at a constant arrival rate.
 *   k6 run -e BASE_URL=http://localhost:3000 [-e WORKLOAD=smoke|load|spike|soak] [-e RATE=1500 -e DURATION=30s] loadtest/k6/scenarios/browse.ts
 */
import http from 'k6/http'
import { check } from 'k6'
import exec from 'k6/execution'
import type { Options } from 'k6/options'
import { browseRequest } from '../../workloads.ts'
import { assertUp } from '../lib/api.ts'
import { arrival, BASE_URL, loadThresholds, RUN_ID, shape } from '../lib/config.ts'
import { seedCatalog, type CatalogSeed } from '../lib/seed.ts'
import { summaryOutputs } from '../lib/summary.ts'

const s = shape('browse')

export const options: Options = {
  scenarios: { browse: arrival(s, 'browse') },
  thresholds: loadThresholds('browse', 'browse', s),
  setupTimeout: '120s',
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
}

export function setup(): CatalogSeed {
  assertUp()
  return seedCatalog(RUN_ID)
}

export function browse(seed: CatalogSeed): void {
  const r = browseRequest(seed, exec.scenario.iterationInTest)
  const res = http.get(`${BASE_URL}${r.path}`, { tags: { name: r.name } })
  check(res, { 'read answered 200': (x) => x.status === 200 })
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[1]) {
  return summaryOutputs('browse', data)
}
