import { afterAll, expect, test } from 'bun:test'
import { runLoad, summarize } from './engine'

// A server that stalls every request for 500 ms from 1.0 s to 1.5 s into the run, and answers at once otherwise.
let stallFrom = Infinity
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const now = performance.now()
    if (now >= stallFrom && now < stallFrom + 500) await Bun.sleep(stallFrom + 500 - now)
    return new Response(new URL(req.url).pathname === '/teapot' ? 'no' : 'ok', { status: new URL(req.url).pathname === '/teapot' ? 418 : 200 })
  },
})
afterAll(() => server.stop(true))

test('holds the arrival rate and counts a stall for every arrival it delays (no coordinated omission)', async () => {
  stallFrom = performance.now() + 1050
  const rate = 200
  const r = await runLoad({ baseUrl: `http://127.0.0.1:${server.port}`, rate, durationSec: 3, expected: [200], next: (j) => ({ method: 'GET', path: `/r/${j}`, name: 'r' }) })
  expect(r.sent).toBe(600)
  expect(r.completed).toBe(600)
  expect(r.failed).toBe(0)
  // Arrivals intended during the stall wait for its end. A closed-loop generator would record the stall once
  // per connection (20 here); measured from the intended send time, ~100 arrivals see it, most for > 100 ms.
  const delayed = r.samples.filter((s) => s.ms > 100).length
  expect(delayed).toBeGreaterThan(60)
  expect(summarize(r.hist).p95).toBeGreaterThan(100)
  // the schedule is even: every second of intended send time holds `rate` arrivals
  // (`at` is a difference of large performance.now() values: 1.0 can come out as 0.9999999999, so bucket with a tolerance)
  const perSecond = [0, 1, 2].map((t) => r.samples.filter((s) => Math.floor(s.at + 1e-6) === t).length)
  expect(perSecond).toEqual([200, 200, 200])
}, 20_000)

test('counts unexpected statuses as failed requests', async () => {
  const r = await runLoad({ baseUrl: `http://127.0.0.1:${server.port}`, rate: 50, durationSec: 1, expected: [200], next: (j) => ({ method: 'GET', path: j % 5 === 0 ? '/teapot' : '/ok', name: 'x' }) })
  expect(r.statusCounts).toEqual({ '200': 40, '418': 10 })
  expect(r.failed).toBe(10)
}, 10_000)
