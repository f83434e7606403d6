/**
 * One rush iteration: a buyer orders one unit from the hot drop with a fresh Idempotency-Key; every
 * RETRY_EVERY-th iteration of a VU instead re-sends that VU's previous key, which must replay the first
 * answer (same status, same order id, Idempotent-Replayed: true), never buy again.
 */
import http from 'k6/http'
import { check } from 'k6'
import exec from 'k6/execution'
import { Counter } from 'k6/metrics'
import { RETRY_EVERY } from '../../workloads.ts'
import { audit } from './api.ts'
import { BASE_URL } from './config.ts'
import type { RushSeed } from './seed.ts'

export const ordersConfirmed = new Counter('orders_confirmed')
export const ordersRefused = new Counter('orders_refused')
export const duplicateOrders = new Counter('duplicate_orders')
export const auditFailures = new Counter('audit_failures')

// 201 and 409 (SOLD_OUT, PURCHASE_LIMIT_EXCEEDED, IDEMPOTENCY_KEY_IN_USE) are answers, not failed requests.
const expected = http.expectedStatuses(201, 409)

// VU-local: the previous attempt of this VU, which its next retry re-sends
let last: { key: string; buyer: number; status: number; orderId: string | null } | null = null

export function order(seed: RushSeed): void {
  const body = JSON.stringify({ dropId: seed.dropId, quantity: 1 })
  const retry = last !== null && exec.vu.iterationInScenario % RETRY_EVERY === RETRY_EVERY - 1
  const i = exec.scenario.iterationInTest
  const key = retry ? last!.key : `${seed.runId}-${seed.dropId.slice(-8)}-${i}`
  const buyer = retry ? last!.buyer : i % seed.buyers.length
  const res = http.post(`${BASE_URL}/v1/orders`, body, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seed.buyers[buyer]!.token}`, 'idempotency-key': key },
    responseCallback: expected,
    tags: { name: retry ? 'POST /v1/orders (retry)' : 'POST /v1/orders' },
  })
  const parsed = res.status === 201 || res.status === 409 ? (res.json() as { id?: string; code?: string }) : {}
  check(res, { 'order answered 201 or 409': (r) => r.status === 201 || r.status === 409 })
  if (retry && last!.status === 201 && parsed.code !== 'IDEMPOTENCY_KEY_IN_USE') {
    const same = res.status === 201 && parsed.id === last!.orderId && res.headers['Idempotent-Replayed'] === 'true'
    if (!same) duplicateOrders.add(1)
    check(res, { 'retry replays the first order': () => same })
  }
  if (!retry) {
    if (res.status === 201) ordersConfirmed.add(1)
    else ordersRefused.add(1, { code: parsed.code ?? String(res.status) })
    last = { key, buyer, status: res.status, orderId: parsed.id ?? null }
  }
}

/** teardown(): the drop's ledger must show no oversell, whatever the speed. */
export function auditDrop(seed: RushSeed): void {
  const a = audit(seed.dropId, seed.creatorToken)
  const ok = a.invariantHolds && a.availableStock >= 0 && a.confirmedQuantity <= a.initialStock && a.confirmedQuantity === a.initialStock - a.availableStock
  auditFailures.add(ok ? 0 : 1)
  check(a, {
    'audit: no oversell': () => a.availableStock >= 0 && a.confirmedQuantity <= a.initialStock,
    'audit: ledger invariant holds': () => a.invariantHolds,
  })
  console.log(`audit of ${seed.dropId}: initialStock ${a.initialStock}, confirmed ${a.confirmedQuantity}, available ${a.availableStock}, invariantHolds ${a.invariantHolds}`)
}

/** Correctness thresholds: they fail the run at any speed. */
export const correctnessThresholds = {
  duplicate_orders: ['count==0'],
  audit_failures: ['count==0'],
}
