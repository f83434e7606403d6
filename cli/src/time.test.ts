import { describe, expect, test } from 'bun:test'
import { formatDuration, formatRelative, parseFutureWhen, parseWhen } from './time'

const NOW = new Date(2030, 4, 1, 12, 0, 0) // 1 May 2030 12:00 local

describe('parseWhen', () => {
  test('RFC 3339 with Z or an offset is taken as written', () => {
    expect(parseWhen('2030-05-02T18:00:00Z', '--at', NOW).toISOString()).toBe('2030-05-02T18:00:00.000Z')
    expect(parseWhen('2030-05-02T18:00:00.250+02:00', '--at', NOW).toISOString()).toBe('2030-05-02T16:00:00.250Z')
  })

  test('friendly forms are read in the local zone, forward from now', () => {
    expect(parseWhen('in 2h', '--at', NOW)).toEqual(new Date(2030, 4, 1, 14, 0, 0))
    expect(parseWhen('in 90 minutes', '--at', NOW)).toEqual(new Date(2030, 4, 1, 13, 30, 0))
    expect(parseWhen('tomorrow 18:00', '--at', NOW)).toEqual(new Date(2030, 4, 2, 18, 0, 0))
    expect(parseWhen('tomorrow at 6pm', '--at', NOW)).toEqual(new Date(2030, 4, 2, 18, 0, 0))
    expect(parseWhen('18:30', '--at', NOW)).toEqual(new Date(2030, 4, 1, 18, 30, 0))
    // A bare time already past today means the next one (forward dates).
    expect(parseWhen('09:00', '--at', NOW)).toEqual(new Date(2030, 4, 2, 9, 0, 0))
  })

  test('unreadable or half-read input is refused with the flag named', () => {
    expect(() => parseWhen('soonish', '--at', NOW)).toThrow('--at: cannot read "soonish" as a time')
    expect(() => parseWhen('tomorrow 18:00 or so', '--ends-at', NOW)).toThrow('--ends-at: cannot read')
    expect(() => parseWhen('', '--at', NOW)).toThrow('cannot read')
  })

  test('parseFutureWhen refuses the past and now', () => {
    expect(() => parseFutureWhen('2030-05-01T11:00:00Z', '--at', new Date('2030-05-01T12:00:00Z'))).toThrow('which is in the past')
    expect(() => parseFutureWhen('now', '--at', NOW)).toThrow('which is in the past')
  })
})

test('durations keep the two largest units', () => {
  expect(formatDuration(42_000)).toBe('42s')
  expect(formatDuration(2 * 3600_000 + 5 * 60_000 + 7_000)).toBe('2h 5m')
  expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h')
  expect(formatDuration(0)).toBe('0s')
  expect(formatRelative(new Date(10_000 + 90_000), 10_000)).toBe('in 1m 30s')
  expect(formatRelative(new Date(10_000 - 3600_000), 10_000)).toBe('1h ago')
})
