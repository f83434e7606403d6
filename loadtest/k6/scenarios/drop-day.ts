/**
 * drop-day: the storefront is busy with reads when the hot drop goes live and the rush starts on top of them.
 * Both traffics keep their own thresholds; teardown audits the hot drop.
 *   k6 run -e BASE_URL=http://localhost:3000 [-e WORKLOAD=…] [-e RATE=1000 -e ORDER_RATE=150 -e DURATION=30s -e USERS=500] loadtest/k6/scenarios/drop-day.ts
 * (SSE fan-out needs an SSE client, which k6 core lacks: the runner's `sse` and `drop-day` scenarios measure it.)
 */
import http from 'k6/http'
import { check } from 'k6'
import exec from 'k6/execution'
import type { Options } from 'k6/options'
import { browseRequest } from '../../workloads.ts'
import { assertUp } from '../lib/api.ts'
import { arrival, BASE_URL, loadThresholds, RUN_ID, shape } from '../lib/config.ts'
import { auditDrop, correctnessThresholds, order } from '../lib/orders.ts'
import { seedCatalog, seedRush, type CatalogSeed, type RushSeed } from '../lib/seed.ts'
import { summaryOutputs } from '../lib/summary.ts'

const reads = shape('browse')
const orders = shape('rush', 'ORDER_RATE')
const USERS = Number(__ENV.USERS || 500)
/** the hot drop goes live this long after setup: reads are already flowing when the rush starts */
const LEAD_SEC = 10

export const options: Options = {
  scenarios: {
    browse: arrival({ rate: reads.rate, durationSec: reads.durationSec + LEAD_SEC }, 'browse'),
    rush: arrival(orders, 'rush', `${LEAD_SEC + 1}s`),
  },
  thresholds: { ...loadThresholds('browse', 'browse', reads), ...loadThresholds('rush', 'rush', orders), ...correctnessThresholds },
  setupTimeout: '300s',
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
}

interface DropDaySeed {
  catalog: CatalogSeed
  rush: RushSeed
}

export function setup(): DropDaySeed {
  assertUp()
  const catalog = seedCatalog(RUN_ID)
  // registration takes a while; the hot drop's startsAt is counted from after it, inside seedRush
  return { catalog, rush: seedRush(RUN_ID, orders, USERS, LEAD_SEC, false) }
}

export function browse(seed: DropDaySeed): void {
  const r = browseRequest(seed.catalog, exec.scenario.iterationInTest)
  const res = http.get(`${BASE_URL}${r.path}`, { tags: { name: r.name } })
  check(res, { 'read answered 200': (x) => x.status === 200 })
}

export function rush(seed: DropDaySeed): void {
  order(seed.rush)
}

export function teardown(seed: DropDaySeed): void {
  auditDrop(seed.rush)
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[1]) {
  return summaryOutputs('drop-day', data)
}
