import { describe, expect, test } from 'bun:test'
import { DEFAULTS, parseArgs, parseDuration } from './args'

describe('nemesis flags', () => {
  test('durations: 60s, 2m, 1h, 500ms, bare seconds; nonsense is refused', () => {
    expect([parseDuration('60s'), parseDuration('2m'), parseDuration('1h'), parseDuration('500ms'), parseDuration('90')]).toEqual([60_000, 120_000, 3_600_000, 500, 90_000])
    expect(() => parseDuration('soon')).toThrow('not a duration')
  })

  test('default run: 60 s, a fault every 5 s; --duration lengthens it; --soak runs without faults unless asked', () => {
    expect(parseArgs([])).toEqual(DEFAULTS)
    expect(parseArgs(['--duration', '120s'])).toMatchObject({ durationMs: 120_000, faultEveryMs: 5000, soak: false })
    expect(parseArgs(['--soak', '30m'])).toMatchObject({ durationMs: 1_800_000, faultEveryMs: 0, soak: true })
    expect(parseArgs(['--soak', '30m', '--soak-faults', '1'])).toMatchObject({ faultEveryMs: 300_000 })
    expect(() => parseArgs(['--duration', '2s'])).toThrow('at least 5s')
    expect(() => parseArgs(['--bogus'])).toThrow('unknown flag')
    expect(() => parseArgs(['--buyers', '0'])).toThrow('positive integer')
  })
})
