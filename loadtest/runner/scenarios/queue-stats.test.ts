import { describe, expect, test } from 'bun:test'
import { CHI2_CRITICAL_001, chiSquareBins, kendallTauB, percentile, Z_CRITICAL_001 } from './queue-stats'

// A seeded generator, so that these checks of the checks are deterministic.
function lcg(seed: number) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}
function shuffled(n: number, random: () => number) {
  const a = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

describe('the queue scenario statistics', () => {
  const join = Array.from({ length: 400 }, (_, i) => i)
  test('a uniform shuffle passes both tests; join order kept (FIFO) or reversed fails both', () => {
    const random = lcg(7)
    const shuffle = shuffled(400, random)
    expect(Math.abs(kendallTauB(join, shuffle).z)).toBeLessThan(Z_CRITICAL_001)
    expect(chiSquareBins(join, shuffle, 4, random).chi2).toBeLessThan(CHI2_CRITICAL_001[9]!)
    expect(kendallTauB(join, join).tau).toBe(1)
    expect(Math.abs(kendallTauB(join, join).z)).toBeGreaterThan(Z_CRITICAL_001)
    expect(chiSquareBins(join, [...join].reverse(), 4, random).chi2).toBeGreaterThan(CHI2_CRITICAL_001[9]!)
  })
  test('ties (admitter batches) are tau-b ties, not concordance', () => {
    const batches = join.map((i) => Math.floor(i / 50)) // FIFO in batches of 50
    expect(kendallTauB(join, batches).tau).toBeGreaterThan(0.9)
    expect(kendallTauB([1, 2, 3], [5, 5, 5]).tau).toBe(0)
  })
  test('a shuffle that only half-mixes (early joiners favoured) is caught', () => {
    const random = lcg(11)
    const biased = join.map((i) => i + random() * 200) // arrival still shows through
    expect(kendallTauB(join, biased).z).toBeGreaterThan(Z_CRITICAL_001)
  })
  test('percentile', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5)
    expect(percentile([], 0.95)).toBe(0)
  })
})
