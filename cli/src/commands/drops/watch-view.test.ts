// drops watch without a terminal (one JSON event per line) against the real server in process, and the live
// view's pure parts. The terminal view itself is driven in a real pseudo-terminal in watch.pty.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Drop } from '@livedrop/sdk'
import { createTestContext, liveDrop, registerUser, unique, type TestContext } from '../../../../server/test/helpers'
import { freshConfigHome, runCli, startCli, waitFor } from '../../../test/harness'
import { palette } from '../../output'
import { applyEvent, applyQueueStats, clock, initialView, ordersPerSecond, renderView } from './watch-view'

let ctx: TestContext
const API = 'http://cli.test'

beforeAll(async () => {
  ctx = createTestContext({ redisKeyPrefix: `livedrop-cli-watch:${process.pid}:` })
  await ctx.deps.live.start()
})
afterAll(() => ctx.close())

const fetch = (input: Request, init?: RequestInit) => ctx.app.handle(new Request(input, init))
const env = () => ({ XDG_CONFIG_HOME: freshConfigHome(), LIVEDROP_API_URL: API })

async function order(token: string, dropId: string, quantity: number) {
  const res = await ctx.api('POST', '/v1/orders', { token, headers: { 'idempotency-key': unique('k') }, body: { dropId, quantity } })
  expect(res.status).toBe(201)
}

describe('drops watch without a terminal', () => {
  test('one JSON event per line: state, stock, low stock, sold out, cancelled; then exits 0', async () => {
    const { owner, drop } = await liveDrop(ctx, { initialStock: 5, lowStockThreshold: 2 })
    const w = startCli(['drops', 'watch', drop.id], { fetch, env: env() })
    const lines = () => w.stdout.text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    await waitFor(() => lines().length >= 1, 'the state event', 10_000, () => w.stdout.text + w.stderr.text)
    expect(lines()[0]).toMatchObject({ type: 'state', dropId: drop.id, data: { status: 'live', availableStock: 5 } })
    expect(lines()[0].id).toMatch(/^\d+$/)

    const buyer = await registerUser(ctx.api)
    const buyer2 = await registerUser(ctx.api)
    await order(buyer.accessToken, drop.id, 3)
    await order(buyer2.accessToken, drop.id, 2)
    await waitFor(() => lines().some((e) => e.type === 'drop.sold_out'), 'drop.sold_out', 10_000, () => w.stdout.text)
    // drop.stock is coalesced on a timer: let the last level arrive before the drop is cancelled.
    await waitFor(() => lines().some((e) => e.type === 'drop.stock' && e.data.availableStock === 0), 'drop.stock 0', 10_000, () => w.stdout.text)
    const cancel = await ctx.api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(cancel.status).toBe(200)

    expect(await w.done).toBe(0)
    const events = lines()
    const types = events.map((e) => e.type)
    expect(types[0]).toBe('state')
    expect(types.at(-1)).toBe('drop.cancelled')
    expect(types).toContain('drop.low_stock')
    expect(types.indexOf('drop.sold_out')).toBeLessThan(types.indexOf('drop.cancelled'))
    const stock = events.filter((e) => e.type === 'drop.stock').map((e) => e.data.availableStock)
    // Cancelling a live drop cancels its orders: the stock comes back to 5 once, just before drop.cancelled.
    expect(stock.at(-1)).toBe(5)
    expect(types.at(-2)).toBe('drop.stock')
    const sold = stock.slice(0, stock.indexOf(0) + 1)
    expect(sold.at(-1)).toBe(0)
    expect(sold).toEqual([...sold].sort((a, b) => b - a)) // never goes back up while selling
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['createdAt', 'data', 'dropId', 'id', 'type'])
    expect(events.map((e) => Number(e.id))).toEqual(events.map((e) => Number(e.id)).sort((a, b) => a - b))
  })

  test('Ctrl-C (the interrupt signal) stops it cleanly with exit 130', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 5 })
    const interrupt = new AbortController()
    const w = startCli(['drops', 'watch', drop.id, '--json'], { fetch, env: env(), signal: interrupt.signal })
    await waitFor(() => w.stdout.text.includes('"state"'), 'the state event')
    interrupt.abort()
    expect(await w.done).toBe(130)
  })

  test('a drop that is already over prints its state and exits', async () => {
    const { owner, drop } = await liveDrop(ctx, { initialStock: 5 })
    await ctx.api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    const r = await runCli(['drops', 'watch', drop.id], { fetch, env: env() })
    expect(r.code).toBe(0)
    const [state] = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(state).toMatchObject({ type: 'state', data: { status: 'cancelled' } })
  })

  test('an unknown drop: exit 5 before any streaming', async () => {
    const r = await runCli(['drops', 'watch', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b'], { fetch, env: env() })
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/\(NOT_FOUND\)/)
    expect(r.stdout).toBe('')
  })
})

describe('the live view', () => {
  const T0 = Date.parse('2030-05-01T12:00:00Z')
  const drop: Drop = {
    id: '0193a5b2-7c3d-7e4f-8a9b-000000000001', productId: '0193a5b2-7c3d-7e4f-8a9b-000000000002', creatorId: '0193a5b2-7c3d-7e4f-8a9b-000000000003',
    status: 'scheduled', startsAt: new Date(T0 + 65_000).toISOString(), endsAt: new Date(T0 + 3600_000).toISOString(),
    initialStock: 100, availableStock: 100, lowStockThreshold: 10, perUserLimit: null, createdAt: new Date(T0 - 1000).toISOString(),
    access: { mode: 'open', admitPerSecond: null, preQueueSeconds: null, admissionTtlSeconds: null, challenge: 'none', challengeDifficulty: null },
  }
  const plain = palette(false)

  test('counts down to the start, then shows live stock with a bar and the sales rate', () => {
    let v = initialView(drop, T0, 'Tour hoodie')
    expect(renderView(v, T0, plain, 100)).toEqual([
      'Tour hoodie 0193a5b2-7c3d-7e4f-8a9b-000000000001',
      'Status    ○ SCHEDULED',
      expect.stringMatching(/^Starts in 0:01:05  at \d{4}-\d\d-\d\d \d\d:\d\d local$/),
      'Ends in   1:00:00',
      `Stock     [${'█'.repeat(40)}] 100 / 100 left`,
      'Sold      0  ·  0.0 orders/s',
      'Last      waiting for events…',
      'Ctrl-C to stop watching',
    ])
    expect(renderView(v, T0 + 1000, plain, 100)[2]).toStartWith('Starts in 0:01:04')

    v = applyEvent(v, 'drop.live', { ...drop, status: 'live' }, T0 + 65_000)
    v = applyEvent(v, 'drop.stock', { availableStock: 90 }, T0 + 66_000)
    v = applyEvent(v, 'drop.stock', { availableStock: 70 }, T0 + 67_000)
    const lines = renderView(v, T0 + 67_000, plain, 100)
    expect(lines[1]).toBe('Status    ● LIVE')
    expect(lines[2]).toMatch(/^Started   2s ago/)
    expect(lines[4]).toBe(`Stock     [${'█'.repeat(28)}${'░'.repeat(12)}] 70 / 100 left`)
    // 30 units in the 5 s window since watching began at T0 → 6.0/s.
    expect(lines[5]).toBe('Sold      30  ·  6.0 orders/s')
    expect(ordersPerSecond(v, T0 + 80_000)).toBe(0) // the window has passed
  })

  test('low stock and sold out are flagged; a state event re-syncs without counting sales', () => {
    let v = initialView({ ...drop, status: 'live' }, T0)
    v = applyEvent(v, 'state', { status: 'live', availableStock: 50 }, T0 + 100)
    expect(v.sales).toEqual([])
    v = applyEvent(v, 'drop.low_stock', { availableStock: 10, lowStockThreshold: 10 }, T0 + 200)
    expect(renderView(v, T0 + 200, plain, 100)[4]).toEndWith('10 / 100 left  LOW STOCK')
    v = applyEvent(v, 'drop.sold_out', { availableStock: 0 }, T0 + 300)
    expect(renderView(v, T0 + 300, plain, 100)[4]).toBe(`Stock     [${'░'.repeat(40)}] 0 / 100 left  SOLD OUT`)
    v = applyEvent(v, 'drop.ended', { ...drop, status: 'ended' }, T0 + 400)
    expect(v.status).toBe('ended')
  })

  test('every line fits a narrow terminal (a wrapped line would break the redraw)', () => {
    const v = initialView({ ...drop, initialStock: 1_000_000, availableStock: 5, lowStockThreshold: 10 }, T0, 'A very long product title '.repeat(8))
    for (const line of renderView(v, T0, plain, 80)) expect(line.length).toBeLessThan(80)
  })

  test('colours only when asked', () => {
    const v = initialView({ ...drop, status: 'live' }, T0)
    expect(renderView(v, T0, palette(true))[1]).toContain('\x1b[32m● LIVE\x1b[39m')
  })

  test('a queued drop shows its line: waiting, admitted/s of the rate, admitted, bought, expired — or why not', () => {
    const queued = { ...drop, status: 'live' as const, access: { ...drop.access, mode: 'queue' as const, admitPerSecond: 20, preQueueSeconds: 900, admissionTtlSeconds: 120 } }
    let v = initialView(queued, T0)
    expect(renderView(v, T0, plain, 100)[6]).toBe('Line      waiting room at 20/s · figures coming…')
    v = applyQueueStats(v, { dropId: drop.id, waiting: 12_345, admitted: 480, bought: 450, expired: 7, admitPerSecond: 20, admissionRate: 19.8 })
    const lines = renderView(v, T0, plain, 120)
    expect(lines[6]).toBe('Line      12,345 waiting  ·  19.8 admitted/s of 20/s  ·  480 admitted  ·  450 bought  ·  7 expired')
    expect(lines.at(-1)).toBe('Ctrl-C to stop watching')
    v = applyQueueStats(v, { hidden: 'owner only' })
    expect(renderView(v, T0, plain, 100)[6]).toBe('Line      owner only')
    // An open drop has no line.
    expect(renderView(initialView(drop, T0), T0, plain, 100).some((l) => l.startsWith('Line'))).toBe(false)
  })

  test('clock', () => {
    expect(clock(65_000)).toBe('0:01:05')
    expect(clock(3 * 86400_000 + 3723_000)).toBe('3d 01:02:03')
    expect(clock(-5)).toBe('0:00:00')
  })
})
