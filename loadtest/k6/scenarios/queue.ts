/**
 * queue: a hot drop behind the waiting room (issue 16). ARRIVALS buyers (default 20,000) join within WINDOW
 * seconds (default 5) for UNITS units (default 500); the drop starts PRE_QUEUE seconds into the window (the
 * pre-queue, shuffled at the start), the rest join the back in order. Each buyer (one k6 iteration) polls its
 * place about once a second, as the queue stream would tell it, orders with its admission token when admitted,
 * and stops when the line closes. Teardown audits the drop and checks every misuse is refused.
 *   k6 run -e BASE_URL=http://localhost:3000 [-e ARRIVALS=20000 -e UNITS=500 -e WINDOW=5 -e ADMIT=100] loadtest/k6/scenarios/queue.ts
 * The runner's `queue` scenario adds what k6 cannot do from its iterations: the statistical tests of the
 * admission order and the 2-second deadline on real queue streams (loadtest/runner/scenarios/queue.ts).
 */
import http from 'k6/http'
import exec from 'k6/execution'
import { check, sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import { QUEUE_PLAN, queuePreQueueSec } from '../../workloads.ts'
import { assertUp, audit, auth, createCreator, createProduct, registerMany, type Session } from '../lib/api.ts'
import { BASE_URL, RUN_ID } from '../lib/config.ts'
import { summaryOutputs } from '../lib/summary.ts'

const plan = QUEUE_PLAN.load
const ARRIVALS = Number(__ENV.ARRIVALS || plan.arrivals)
const UNITS = Number(__ENV.UNITS || plan.units)
const WINDOW = Number(__ENV.WINDOW || plan.windowSec)
const PRE_QUEUE = Number(__ENV.PRE_QUEUE || queuePreQueueSec({ ...plan, arrivals: ARRIVALS, windowSec: WINDOW }))
const ADMIT = Number(__ENV.ADMIT || plan.admitPerSecond)
const TTL = 120
// A buyer waits at most this long for admission: the line holds ARRIVALS / ADMIT seconds of buyers at most.
const MAX_WAIT_SEC = Math.ceil(UNITS / ADMIT) + 60

const ordersWithoutToken = new Counter('orders_without_token')
const ordersConfirmed = new Counter('orders_confirmed')
const misuseAccepted = new Counter('misuse_accepted')
const auditFailures = new Counter('audit_failures')
const waitedSec = new Trend('queue_wait_seconds')

export const options: Options = {
  scenarios: {
    queue: {
      executor: 'constant-arrival-rate', exec: 'buyer', rate: Math.ceil(ARRIVALS / WINDOW), timeUnit: '1s', duration: `${WINDOW}s`,
      // Every buyer is an iteration that lives until its line closes: one VU per arrival.
      preAllocatedVUs: ARRIVALS, maxVUs: ARRIVALS,
    },
  },
  thresholds: {
    'http_req_duration{name:POST /v1/drops/{id}/queue}': ['p(95)<=500'],
    'http_req_duration{name:GET /v1/drops/{id}/queue}': ['p(95)<=200'],
    'http_req_duration{name:POST /v1/orders}': ['p(95)<=500'],
    orders_without_token: ['count==0'],
    misuse_accepted: ['count==0'],
    audit_failures: ['count==0'],
  },
  setupTimeout: '3600s', // 20,000 registrations hash as many passwords
  teardownTimeout: '120s',
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'max'],
}

interface QueueSeed {
  dropId: string
  creatorToken: string
  buyers: Session[]
  windowStart: number
}

export function setup(): QueueSeed {
  assertUp()
  const creator = createCreator(RUN_ID)
  const productId = createProduct(creator.token, 0)
  const buyers = registerMany(`${RUN_ID}_q`, ARRIVALS)
  // k6 starts the scenario right after setup: the window opens about now.
  const windowStart = Date.now() + 1000
  const body = {
    productId, startsAt: new Date(windowStart + PRE_QUEUE * 1000).toISOString(), initialStock: UNITS,
    access: { mode: 'queue', admitPerSecond: ADMIT, preQueueSeconds: 600, admissionTtlSeconds: TTL },
  }
  const res = http.post(`${BASE_URL}/v1/drops`, JSON.stringify(body), { headers: auth(creator.token), tags: { name: 'setup' } })
  if (res.status !== 201) throw new Error(`POST /v1/drops → ${res.status}: ${String(res.body).slice(0, 200)}`)
  return { dropId: (res.json() as { id: string }).id, creatorToken: creator.token, buyers, windowStart }
}

export function buyer(seed: QueueSeed): void {
  const me = seed.buyers[exec.scenario.iterationInTest % seed.buyers.length]!
  const url = `${BASE_URL}/v1/drops/${seed.dropId}/queue`
  const joined = http.post(url, null, { headers: auth(me.token), tags: { name: 'POST /v1/drops/{id}/queue' } })
  if (!check(joined, { 'join answered 200 (or 409 once sold out)': (r) => r.status === 200 || r.status === 409 }) || joined.status !== 200) return
  const start = Date.now()
  for (let t = 0; t < MAX_WAIT_SEC; t++) {
    const place = http.get(url, { headers: auth(me.token), tags: { name: 'GET /v1/drops/{id}/queue' } })
    if (place.status !== 200) {
      sleep(1)
      continue
    }
    const p = place.json() as { status: string; admission: { token: string } | null; closedReason: string | null }
    if (p.status === 'admitted' && p.admission) {
      waitedSec.add((Date.now() - start) / 1000)
      const res = http.post(`${BASE_URL}/v1/orders`, JSON.stringify({ dropId: seed.dropId, quantity: 1 }), {
        headers: auth(me.token, { 'idempotency-key': `${RUN_ID}-q-${me.userId}`, 'admission-token': p.admission.token }),
        responseCallback: http.expectedStatuses(201, 409),
        tags: { name: 'POST /v1/orders' },
      })
      if (res.status === 201) ordersConfirmed.add(1)
      check(res, { 'order with a token answered 201 or 409': (r) => r.status === 201 || r.status === 409 })
      return
    }
    if (p.status === 'closed' || p.status === 'expired' || p.status === 'bought') {
      check(p, { 'closed because the drop sold out': () => p.closedReason === 'sold_out' || p.status !== 'closed' })
      return
    }
    sleep(1)
  }
}

export function teardown(seed: QueueSeed): void {
  const a = audit(seed.dropId, seed.creatorToken)
  const ok = a.invariantHolds && a.availableStock >= 0 && a.confirmedQuantity <= a.initialStock
  auditFailures.add(ok ? 0 : 1)
  // Every confirmed order came through an admission: an order without a token, forged or someone else's is refused.
  const outsider = seed.buyers[seed.buyers.length - 1]!
  const post = (token?: string) => http.post(`${BASE_URL}/v1/orders`, JSON.stringify({ dropId: seed.dropId, quantity: 1 }), {
    headers: auth(outsider.token, { 'idempotency-key': `${RUN_ID}-misuse-${Math.random()}`, ...(token ? { 'admission-token': token } : {}) }),
    responseCallback: http.expectedStatuses(403),
    tags: { name: 'teardown' },
  })
  for (const [res, code] of [[post(), 'ADMISSION_REQUIRED'], [post('eyJkIjoiZm9yZ2VkIn0.AAAA'), 'ADMISSION_INVALID']] as const) {
    const accepted = res.status !== 403 || (res.json() as { code?: string }).code !== code
    misuseAccepted.add(accepted ? 1 : 0)
    if (res.status === 201) ordersWithoutToken.add(1)
  }
  console.log(`queue audit of ${seed.dropId}: ${a.confirmedQuantity} of ${a.initialStock} confirmed, available ${a.availableStock}, invariantHolds ${a.invariantHolds}`)
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[1]) {
  return summaryOutputs('queue', data)
}
