import { afterAll, expect, test } from 'bun:test'
import { createTestContext, unique } from '../../test/helpers'
import type { CachePolicy } from './cache'

// The real cache of a test context (Redis when reachable, else the in-memory stand-in), with a policy of its own.
const ctx = createTestContext({ redisKeyPrefix: `${unique('swrtest')}:` })
afterAll(() => ctx.close())

test('stale-while-revalidate: past maxStaleMs the old value is served at once while one load replaces it', async () => {
  const policy: CachePolicy = { name: 'swr_test', maxStaleMs: 150, localMs: 150, staleWhileRevalidateMs: 60_000 }
  const key = unique('swr:')
  let loads = 0
  let release: () => void = () => {}
  const load = async () => {
    const n = ++loads
    if (n > 1) await new Promise<void>((r) => (release = r)) // the refresh hangs until released
    return { n }
  }
  expect((await ctx.deps.cache.get(policy, key, load)).value).toEqual({ n: 1 })
  await Bun.sleep(200)
  // Expired: 20 readers are answered with the old value without waiting; one refresh runs.
  const t0 = performance.now()
  const stale = await Promise.all(Array.from({ length: 20 }, () => ctx.deps.cache.get(policy, key, load)))
  expect(performance.now() - t0).toBeLessThan(1000)
  expect(stale.every((e) => (e.value as { n: number }).n === 1)).toBe(true)
  expect(loads).toBe(2)
  release()
  // The refreshed value replaces it.
  for (let i = 0; i < 100 && (await ctx.deps.cache.get(policy, key, load)).value.n !== 2; i++) await Bun.sleep(20)
  expect((await ctx.deps.cache.get(policy, key, load)).value).toEqual({ n: 2 })
  expect(loads).toBe(2)
})

test('without staleWhileRevalidateMs, an expired value is loaded again before answering', async () => {
  const policy: CachePolicy = { name: 'swr_test_off', maxStaleMs: 100, localMs: 100 }
  const key = unique('swr:')
  let loads = 0
  const load = async () => ({ n: ++loads })
  expect((await ctx.deps.cache.get(policy, key, load)).value).toEqual({ n: 1 })
  await Bun.sleep(150)
  expect((await ctx.deps.cache.get(policy, key, load)).value).toEqual({ n: 2 })
})

test('past maxStaleMs + staleWhileRevalidateMs, nothing stale is served', async () => {
  const policy: CachePolicy = { name: 'swr_test_end', maxStaleMs: 50, localMs: 50, staleWhileRevalidateMs: 100 }
  const key = unique('swr:')
  let loads = 0
  const load = async () => ({ n: ++loads })
  await ctx.deps.cache.get(policy, key, load)
  await Bun.sleep(250)
  expect((await ctx.deps.cache.get(policy, key, load)).value).toEqual({ n: 2 })
})
