import { describe, expect, test } from 'bun:test'
import { BreakerOpenError, createBreaker } from './breaker'

describe('circuit breaker', () => {
  test('one tripping failure opens it; calls then fail at once without running; only the probe closes it', async () => {
    let healthy = false
    let probes = 0
    const b = createBreaker({ name: 't', probeEveryMs: 20, probe: async () => (probes++, healthy), trips: (e) => !(e instanceof TypeError) })
    const changes: boolean[] = []
    b.onChange((open) => changes.push(open))
    try {
      // A failure that does not mean "dependency unwell" passes through and keeps it closed.
      await expect(b.run(async () => { throw new TypeError('reply') })).rejects.toThrow('reply')
      expect(b.isOpen).toBe(false)
      await expect(b.run(async () => { throw new Error('timed out') })).rejects.toThrow('timed out')
      expect(b.isOpen).toBe(true)
      let ran = 0
      const t0 = performance.now()
      await expect(b.run(async () => ++ran)).rejects.toBeInstanceOf(BreakerOpenError)
      expect(ran).toBe(0)
      expect(performance.now() - t0).toBeLessThan(5)
      // Probes fail while the dependency is unwell; a real call never closes it.
      await Bun.sleep(70)
      expect(probes).toBeGreaterThanOrEqual(2)
      expect(b.isOpen).toBe(true)
      healthy = true
      for (let i = 0; i < 20 && b.isOpen; i++) await Bun.sleep(10)
      expect(b.isOpen).toBe(false)
      expect(await b.run(async () => 42)).toBe(42)
      expect(changes).toEqual([true, false])
    } finally {
      b.stop()
    }
  })

  test('guard() routes every method of an object through the breaker', async () => {
    const b = createBreaker({ name: 't', probe: async () => false })
    try {
      const store = { calls: 0, async get(k: string) { this.calls++; if (k === 'hang') throw new Error('timeout'); return k } }
      const guarded = b.guard(store)
      expect(await guarded.get('a')).toBe('a')
      await expect(guarded.get('hang')).rejects.toThrow('timeout')
      await expect(guarded.get('b')).rejects.toBeInstanceOf(BreakerOpenError)
      expect(store.calls).toBe(2)
    } finally {
      b.stop()
    }
  })
})
