/**
 * Three real server processes behind HAProxy (deploy/haproxy.cfg, the file the compose profile `fleet` runs), all
 * traffic through the balancer: the load-test runner's drop-day (reads, SSE subscribers, a rush with
 * Idempotency-Keys) plus buyers on the SDK who order and follow their personal streams. Mid-run one instance is
 * drained with SIGTERM and another killed with SIGKILL. Then: the balancer took both out, every stream resumed on
 * the survivor with nothing lost and nothing twice (Last-Event-ID, done by the SDK), every order a buyer was
 * told about exists once, and the audits hold. Ports 3680-3684 belong to this suite.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createLiveDrop, type LiveDrop, type MeEvent } from '@livedrop/sdk'
import { auditOf, createTestContext, describeWithRedis, liveDrop, registerUser, testConfig } from '../../test/helpers'
import { haproxyBalancer, startServer, type Balancer, type ServerProcess } from '../../test/processes'
import { waitFor } from '../../test/receiver'
import { run } from '../../../loadtest/runner/run'
import { table } from '../../../loadtest/runner/report'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
let servers: ServerProcess[] = []
let lb: Balancer

// A shorter request deadline keeps the idempotency lease a crashed instance leaves behind shorter (deadline + 5 s
// = 15 s instead of 20): a buyer whose order was in flight on the killed instance gets its answer sooner. Not
// shorter: on a loaded machine a registration (a password hash) can take seconds.
const env = { REQUEST_TIMEOUT_MS: '10000', SHUTDOWN_GRACE_MS: '4000', TRUSTED_PROXIES: '127.0.0.1' }

beforeAll(async () => {
  if (!process.env.TEST_REDIS_URL) return
  servers = await Promise.all([3680, 3681, 3682].map((p) => startServer(p, env)))
  lb = await haproxyBalancer(3683, servers.map((s) => `127.0.0.1:${s.port}`))
}, 60_000)

afterAll(async () => {
  await lb?.stop()
  await Promise.all(servers.map((s) => s.kill('SIGKILL')))
  await ctx.close()
})

/** Open streams of each kind on one instance, from its own /metrics. */
async function streamsOn(s: ServerProcess): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text()
  return [...text.matchAll(/^livedrop_sse_connections\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0)
}

async function ordersSince(t0: Date): Promise<number> {
  const [{ n }] = await ctx.deps.sql<{ n: number }[]>`select count(*)::int as n from orders where created_at >= ${t0}`
  return n
}

/** Order attempts of the load-test runner's rush so far (its keys start with lt-). */
async function runnerAttempts(t0: Date): Promise<number> {
  const [{ n }] = await ctx.deps.sql<{ n: number }[]>`select count(*)::int as n from idempotency_keys where key like 'lt-%' and created_at >= ${t0}`
  return n
}

interface Buyer {
  sdk: LiveDrop
  userId: string
  /** order id → how many order.confirmed events named it (must end at exactly 1 each) */
  seen: Map<string, number>
  ids: number[]
  /** order ids the API answered 201 for */
  bought: string[]
  refusals: Record<string, number>
}

describeWithRedis('a fleet of three behind HAProxy', () => {
  test('drop day through the balancer; one instance drained, one killed: streams resume, no order lost or doubled, audits hold', async () => {
    const t0 = new Date()
    const { owner, drop } = await liveDrop(ctx, { initialStock: 300, perUserLimit: 60 })

    const buyers: Buyer[] = await Promise.all(Array.from({ length: 8 }, async () => {
      const u = await registerUser(ctx.api)
      const sdk = createLiveDrop({ baseUrl: lb.url, tokens: { accessToken: u.accessToken, refreshToken: u.refreshToken } })
      return { sdk, userId: u.user.id, seen: new Map(), ids: [], bought: [], refusals: {} }
    }))
    const stop = new AbortController()
    // Personal streams through the balancer (leastconn spreads them over the three). The SDK reconnects with
    // Last-Event-ID when its instance drains or dies: the events must continue on the survivor, in order, once.
    const following = buyers.map(async (b) => {
      try {
        for await (const e of b.sdk.subscribe({ me: true }, { signal: stop.signal, retryMs: 250 }) as AsyncGenerator<MeEvent>) {
          b.ids.push(Number(e.id))
          if (e.type === 'order.confirmed') {
            const id = (e.data as { order: { id: string } }).order.id
            b.seen.set(id, (b.seen.get(id) ?? 0) + 1)
          }
        }
      } catch (err) {
        if (!stop.signal.aborted) throw err
      }
    })
    await waitFor('every personal stream open', async () => (await Promise.all(servers.map(streamsOn))).reduce((a, b) => a + b, 0) >= buyers.length, 30_000)

    // The load-test runner against the balancer, as an operator would run it (`npm run loadtest -- drop-day
    // --target <balancer>`): its own catalog, buyers, hot drop and subscribers.
    const dropDay = run({ scenario: 'drop-day', target: lb.url, rate: 40, orderRate: 40, durationSec: 14, users: 30, subscribers: 30, warmupSec: 0, write: false, log: (l) => progress.push(l) })
    const progress: string[] = []
    let runnerDoneAt = Infinity
    void dropDay.then(() => (runnerDoneAt = Date.now()), () => {})

    // The buyers start once the runner's rush is under way (its seeding, registrations included, is over: those
    // are not safe to replay and are not what this test is about), and order until told to stop.
    // Seeding registers 30 buyers (a password hash each): slow on a loaded machine, hence the long bound. A runner
    // that fails first ends the wait at once, with its progress.
    const failedEarly = dropDay.then(
      () => Promise.reject(new Error(`the runner ended before its rush began: ${progress.join(' | ')}`)),
      (err: Error) => Promise.reject(new Error(`the runner failed: ${err.message}; ${progress.join(' | ')}`)),
    )
    await Promise.race([waitFor('the runner\'s rush under way', async () => (await runnerAttempts(t0)) >= 20, 120_000), failedEarly])
    failedEarly.catch(() => {})
    // The buyers order until told to stop (SDK: one Idempotency-Key per purchase, reused on every retry).
    let ordering = true
    const buying = buyers.map(async (b) => {
      while (ordering) {
        const res = await b.sdk.createOrder({ dropId: drop.id, quantity: 1 }, { retries: 40, baseDelayMs: 100, maxDelayMs: 1000 })
        if (res.data) b.bought.push(res.data.id)
        else {
          const code = res.error?.code ?? String(res.response.status)
          b.refusals[code] = (b.refusals[code] ?? 0) + 1
          if (code === 'SOLD_OUT' || code === 'PURCHASE_LIMIT_EXCEEDED') return
        }
        await Bun.sleep(300)
      }
    })

    // Mid-run: drain instance 1, then kill instance 2 outright, each while orders are flowing.
    const [A, B, C] = servers as [ServerProcess, ServerProcess, ServerProcess]
    const streamsBefore = await Promise.all([A, B].map(streamsOn))
    await waitFor('orders flowing', async () => (await ordersSince(t0)) >= 60, 30_000)
    const drained = A.kill('SIGTERM')
    await lb.until((n, s) => n !== 'livedrop1' || !s.startsWith('UP'), 'livedrop1 out of rotation')
    const atDrain = await ordersSince(t0)
    await waitFor('orders flowing after the drain', async () => (await ordersSince(t0)) >= atDrain + 40, 30_000)
    await B.kill('SIGKILL')
    const killedAt = Date.now()
    await drained
    await lb.until((n, s) => n === 'livedrop3' ? s === 'UP' : !s.startsWith('UP'), 'only livedrop3 in rotation')
    const atKill = await ordersSince(t0)
    await waitFor('orders flowing on the survivor', async () => (await ordersSince(t0)) >= atKill + 40, 30_000)

    const { report } = await dropDay
    ordering = false
    await Promise.all(buying)
    console.error(`[fleet] drop-day through the balancer:\n${table(report)}`)

    // Both faults landed while the runner's traffic was still going.
    expect(killedAt).toBeLessThan(runnerDoneAt)
    // The drain was graceful (exit 0); the kill was a crash. Both instances had streams that had to move.
    expect(await A.proc.exited).toBe(0)
    expect(B.proc.signalCode).toBe('SIGKILL')
    expect(streamsBefore.every((n) => n > 0)).toBe(true)
    expect((await fetch(`${C.url}/readyz`)).status).toBe(200)

    // The runner's correctness checks (no oversell, one order per key, every confirmed unit answered, the
    // audit) hold through the drain and the crash; its speed targets are reported, not gated here.
    const failed = report.checks.filter((c) => !c.speed && !c.ok).map((c) => `${c.name}: ${c.detail}`)
    expect(failed).toEqual([])
    expect(report.checks.filter((c) => !c.speed).length).toBeGreaterThan(0)
    expect((report.extra!.audit as { invariantHolds: boolean }).invariantHolds).toBe(true)

    // The SDK buyers: every 201 is a distinct order, and the database holds exactly those for this drop.
    const bought = buyers.flatMap((b) => b.bought)
    expect(bought.length).toBeGreaterThan(0)
    expect(new Set(bought).size).toBe(bought.length)
    const rows = await ctx.deps.sql<{ id: string; userId: string }[]>`select id, user_id from orders where drop_id = ${drop.id} and status = 'confirmed'`
    expect(rows.map((r) => r.id).sort()).toEqual([...bought].sort())
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit.invariantHolds).toBe(true)
    expect(audit.confirmedQuantity).toBe(bought.length)
    expect(audit.availableStock).toBe(300 - bought.length)

    // No gap: each buyer's stream, across its reconnections, delivered one order.confirmed per order, no more
    // (event ids strictly increasing: nothing twice), and nothing less once the survivor has caught up.
    for (const b of buyers) {
      await waitFor(`buyer ${b.userId}: every order on the stream`, () => b.bought.every((id) => b.seen.has(id)), 20_000)
      expect([...b.seen.keys()].sort()).toEqual([...b.bought].sort())
      expect([...b.seen.values()].every((n) => n === 1)).toBe(true)
      expect(b.ids.every((id, i) => i === 0 || id > b.ids[i - 1]!)).toBe(true)
    }
    stop.abort()
    await Promise.all(following)
  }, 240_000)
})
