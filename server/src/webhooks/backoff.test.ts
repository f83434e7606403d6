import { expect, test } from 'bun:test'
import { retryDelayMs } from './worker'

test('retry delays double per attempt up to the cap, with half of each step random', () => {
  const base = 5000
  const max = 3_600_000
  expect([1, 2, 3, 4].map((n) => retryDelayMs(n, base, max, () => 0))).toEqual([2500, 5000, 10_000, 20_000])
  expect([1, 2, 3, 4].map((n) => retryDelayMs(n, base, max, () => 0.999999))).toEqual([5000, 10_000, 20_000, 40_000])
  // Far attempts stay at the cap (no overflow to Infinity or NaN).
  for (const n of [12, 40, 1000]) {
    const d = retryDelayMs(n, base, max)
    expect(d).toBeGreaterThanOrEqual(max / 2)
    expect(d).toBeLessThanOrEqual(max)
  }
  // The default schedule makes about 40 attempts in the 24 h retry window (about one every 45 min at the cap).
  let total = 0
  let attempts = 0
  while (total < 24 * 3600 * 1000) total += retryDelayMs(++attempts, base, max, () => 0.5)
  expect(attempts).toBeGreaterThan(30)
  expect(attempts).toBeLessThan(50)
})
