import { expect, test } from 'bun:test'
import { parseArgs, UsageError } from './args'

test('parses a scenario and its flags', () => {
  expect(parseArgs(['rush', '--rate', '150', '--duration', '30s', '--target=http://x:3000', '--users', '200'])).toEqual({
    scenario: 'rush', rate: 150, durationSec: 30, target: 'http://x:3000', users: 200,
  })
  expect(parseArgs(['browse', '--find-max', '--duration', '2m'])).toEqual({ scenario: 'browse', findMax: true, durationSec: 120 })
})

test('refuses what it cannot run, with the usage', () => {
  expect(() => parseArgs([])).toThrow(UsageError)
  expect(() => parseArgs(['shop'])).toThrow(/unknown scenario/)
  expect(() => parseArgs(['browse', '--rate', '-3'])).toThrow(/positive number/)
  expect(() => parseArgs(['browse', '--duration', 'soon'])).toThrow(/bad duration/)
  expect(() => parseArgs(['sse', '--find-max'])).toThrow(/browse and rush/)
  expect(() => parseArgs(['browse', '--target', 'localhost'])).toThrow(/http/)
})
