/**
 * CI smoke: every scenario for 10 s at a low rate against a real server process (the test database from
 * server/test/preload.ts, real Redis when reachable), gated on correctness only: no oversell, no 5xx, the audit
 * and idempotency hold, every subscriber gets drop.live. Speed targets are reported, not gated: CI machines
 * are shared and slow, and a smoke at 10-20 req/s says nothing about them anyway.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { WORKLOADS } from '../workloads'
import { run, type RunOptions } from './run'
import { startServer, type StartedServer } from './server'
import { newRunId } from './seed'
import type { RunReport } from './report'

const smoke = WORKLOADS.smoke
let server: StartedServer

beforeAll(async () => {
  server = await startServer(newRunId(), {
    env: {
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      JWT_SECRET: 'loadtest-smoke-secret-0123456789abcdef0123',
      REDIS_URL: process.env.TEST_REDIS_URL || '',
    },
  })
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

function correctness(report: RunReport) {
  const failed = report.checks.filter((c) => !c.speed && !c.ok)
  expect(failed.map((c) => `${c.name}: ${c.detail}`)).toEqual([])
  // the gate must have had something to gate on
  expect(report.checks.filter((c) => !c.speed).length).toBeGreaterThan(0)
}

const opts = (o: Partial<RunOptions> & Pick<RunOptions, 'scenario'>): RunOptions => ({ target: server.url, write: false, warmupSec: 0, log: () => {}, ...o })

function no5xx(report: RunReport) {
  for (const p of report.phases) {
    const fivexx = Object.keys(p.statusCounts).filter((s) => s.startsWith('5'))
    expect(fivexx).toEqual([])
    expect(p.completed).toBeGreaterThan(0)
  }
}

// The scenarios use separate data, so they run side by side against the one server: ~25 s instead of ~50.
describe('loadtest smoke (10 s per scenario, correctness only)', () => {
  test('browse, rush, sse and drop-day hold their correctness checks', async () => {
    const [browse, rush, sse, dropDay] = await Promise.all([
      run(opts({ scenario: 'browse', rate: smoke.browse.rate, durationSec: smoke.browse.durationSec })),
      run(opts({ scenario: 'rush', rate: smoke.rush.rate, durationSec: smoke.rush.durationSec, users: 40 })),
      run(opts({ scenario: 'sse', subscribers: smoke.sseSubscribers })),
      run(opts({ scenario: 'drop-day', rate: smoke.browse.rate, orderRate: smoke.rush.rate, durationSec: smoke.rush.durationSec, users: 40, subscribers: 20 })),
    ])

    correctness(browse.report)
    no5xx(browse.report)

    correctness(rush.report)
    no5xx(rush.report)
    const audit = rush.report.extra!.audit as { invariantHolds: boolean; availableStock: number; confirmedQuantity: number; initialStock: number }
    expect(audit.invariantHolds).toBe(true)
    expect(audit.availableStock).toBeGreaterThanOrEqual(0)
    // the plan sells out about 60 % into the run: the sold-out boundary was crossed
    expect(audit.confirmedQuantity).toBe(audit.initialStock)

    correctness(sse.report)
    expect((sse.report.extra!.sse as { delivered: number }).delivered).toBe(smoke.sseSubscribers)

    correctness(dropDay.report)
    no5xx(dropDay.report)
    expect(dropDay.report.phases.map((p) => p.name)).toEqual(['browse', 'rush'])
  }, 90_000)
})

describe('loadtest smoke: queue (CI size)', () => {
  test('300 arrivals for 80 units: tokens only, pre-queue shuffled, FIFO after, everyone told, misuse refused', async () => {
    const { report } = await run(opts({ scenario: 'queue', users: 300, subscribers: 40 }))
    correctness(report)
    no5xx(report)
    const extra = report.extra as {
      admittedPre: number; admittedPost: number; audit: { confirmedQuantity: number; initialStock: number }
      told: { observed: number; missing: number; reasons: Record<string, number> }
    }
    expect(extra.audit.confirmedQuantity).toBe(extra.audit.initialStock)
    // the sampled buyers' queue streams (the SDK's subscribe) were really read: each one left waiting heard sold_out
    expect(extra.told.observed).toBeGreaterThan(0)
    expect(extra.told.missing).toBe(0)
    expect(extra.told.reasons).toEqual({ sold_out: extra.told.observed })
    // both halves of the line were admitted, so both order checks had data
    expect(extra.admittedPre).toBeGreaterThan(0)
    expect(extra.admittedPost).toBeGreaterThan(0)
  }, 180_000)
})
