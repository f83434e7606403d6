// Parse tests: flags and arguments → typed options, with `run` replaced by a recorder (gh's runF pattern).
// Nothing here talks to a server; the run tests are in commands/*.test.ts.
import { describe, expect, test } from 'bun:test'
import { runCli, STACK_LINE } from '../test/harness'
import { GROUPS } from './program'
import type { DropDraft, ScheduleOptions, UpdateDropOptions } from './commands/drops/index'

const NOW = new Date(2030, 4, 1, 12, 0, 0) // 1 May 2030, 12:00 local
const now = () => NOW.getTime()

async function parsed(argv: string[], o: { stdinTTY?: boolean } = {}) {
  const calls: Array<{ path: string; opts: any; globals: any }> = []
  const r = await runCli(argv, { now, stdinTTY: o.stdinTTY, hooks: { intercept: (path, opts, globals) => calls.push({ path, opts, globals }) } })
  return { ...r, call: calls[0], calls }
}

const PRODUCT = '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b'
const DROP = '0193a5b2-7c3d-7e4f-8a9b-000000000001'

describe('drops schedule', () => {
  test('resolves RFC 3339 and friendly times against the clock, every flag typed', async () => {
    const r = await parsed(['drops', 'schedule', '--product', PRODUCT, '--at', 'in 2h', '--ends-at', '2030-05-02T10:00:00Z', '--stock', '500', '--per-user-limit', '2', '--low-stock', '50'])
    expect(r.code).toBe(0)
    expect(r.call.path).toBe('drops schedule')
    const d = (r.call.opts as { draft: DropDraft }).draft
    expect(d).toEqual({
      productId: PRODUCT,
      startsAt: new Date(NOW.getTime() + 2 * 3600_000),
      endsAt: new Date('2030-05-02T10:00:00Z'),
      initialStock: 500,
      perUserLimit: 2,
      lowStockThreshold: 50,
    })
  })

  test('"tomorrow 18:00" is 18:00 tomorrow in the local zone', async () => {
    const r = await parsed(['drops', 'schedule', '--product', PRODUCT, '--at', 'tomorrow 18:00', '--stock', '1'])
    expect((r.call.opts as { draft: DropDraft }).draft.startsAt).toEqual(new Date(2030, 4, 2, 18, 0, 0))
  })

  test('--file alone', async () => {
    const r = await parsed(['drops', 'schedule', '--file', 'drops.json'])
    expect(r.call.opts).toEqual({ file: 'drops.json' } satisfies ScheduleOptions)
  })

  const refusals: Array<[string, string[], RegExp]> = [
    ['a time in the past', ['--product', PRODUCT, '--at', '2020-01-01T00:00:00Z', '--stock', '5'], /--at: "2020-01-01T00:00:00Z" is 2020-01-01T00:00:00.000Z, which is in the past/],
    ['stock 0', ['--product', PRODUCT, '--at', 'in 1h', '--stock', '0'], /--stock must be between 1 and 1000000, got 0/],
    ['stock not a number', ['--product', PRODUCT, '--at', 'in 1h', '--stock', 'lots'], /--stock must be a whole number/],
    ['an unreadable time', ['--product', PRODUCT, '--at', 'whenever', '--stock', '5'], /--at: cannot read "whenever" as a time\. Accepted forms:\n {2}RFC 3339 .*2030-05-01T18:00:00Z.*\n {2}your local time .*"in 2h".*"tomorrow 18:00"/],
    ['a half-understood time', ['--product', PRODUCT, '--at', 'tomorrow 18:00 maybe', '--stock', '5'], /cannot read "tomorrow 18:00 maybe"/],
    ['a product that is not an id', ['--product', 'hoodie', '--at', 'in 1h', '--stock', '5'], /--product must be a UUID/],
    ['no product', ['--at', 'in 1h', '--stock', '5'], /--product is required/],
    ['the end before the start', ['--product', PRODUCT, '--at', 'in 2h', '--ends-at', 'in 1h', '--stock', '5'], /--ends-at .* must be after --at/],
    ['a low-stock level at or above the stock', ['--product', PRODUCT, '--at', 'in 1h', '--stock', '5', '--low-stock', '5'], /--low-stock \(5\) must be below --stock \(5\)/],
    ['--file with single-drop flags', ['--file', 'x.json', '--stock', '5'], /--file cannot be combined/],
  ]
  for (const [name, args, message] of refusals) {
    test(`refuses ${name}: exit 2, nothing run`, async () => {
      const r = await parsed(['drops', 'schedule', ...args])
      expect(r.code).toBe(2)
      expect(r.calls).toHaveLength(0)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).toMatch(/\(USAGE\)/)
      expect(r.stderr).not.toMatch(STACK_LINE)
      expect(r.stdout).toBe('')
    })
  }

  test('every problem is reported at once', async () => {
    const r = await parsed(['drops', 'schedule', '--product', 'x', '--at', 'yesterday', '--stock', '-1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--product must be a UUID.*--at: .* in the past.*--stock must be between/s)
  })
})

describe('drops update, cancel, list, watch', () => {
  test('update: "none" clears nullable fields, times resolve', async () => {
    const r = await parsed(['drops', 'update', DROP, '--at', 'in 30 minutes', '--ends-at', 'none', '--per-user-limit', 'none', '--stock', '10'])
    expect(r.call.opts).toEqual({ dropId: DROP, startsAt: new Date(NOW.getTime() + 30 * 60_000), endsAt: null, initialStock: 10, perUserLimit: null, lowStockThreshold: undefined } satisfies UpdateDropOptions)
  })

  test('update with nothing to change is a usage error', async () => {
    const r = await parsed(['drops', 'update', DROP])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('nothing to change')
  })

  test('cancel needs --yes without a terminal, and asks on one', async () => {
    const piped = await parsed(['drops', 'cancel', DROP])
    expect(piped.code).toBe(2)
    expect(piped.stderr).toContain('--yes is required when not running interactively')
    expect((await parsed(['drops', 'cancel', DROP, '--yes'])).call.opts).toEqual({ dropId: DROP, yes: true })
    expect((await parsed(['drops', 'cancel', DROP], { stdinTTY: true })).call.opts).toEqual({ dropId: DROP, yes: false })
  })

  test('list filters', async () => {
    expect((await parsed(['drops', 'list'])).call.opts).toEqual({ status: undefined, creator: undefined, limit: 20 })
    expect((await parsed(['drops', 'list', '--mine', '--status', 'live', '--limit', '250'])).call.opts).toEqual({ status: 'live', creator: 'me', limit: 250 })
    const bad = await parsed(['drops', 'list', '--status', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--status must be one of scheduled, live, ended, cancelled')
    expect((await parsed(['drops', 'list', '--mine', '--creator', PRODUCT])).code).toBe(2)
  })

  test('watch takes a drop id; a missing or malformed one is a usage error', async () => {
    expect((await parsed(['drops', 'watch', DROP])).call).toMatchObject({ path: 'drops watch', opts: { dropId: DROP } })
    expect((await parsed(['drops', 'watch'])).code).toBe(2)
    expect((await parsed(['drops', 'watch', 'nope'])).code).toBe(2)
  })
})

describe('products', () => {
  test('create: --price in the currency\'s own decimals, or --price-cents', async () => {
    expect((await parsed(['products', 'create', '--title', 'Hoodie', '--price', '49.90', '--currency', 'eur'])).call.opts).toEqual({ title: 'Hoodie', description: undefined, priceCents: 4990, currency: 'EUR' })
    expect((await parsed(['products', 'create', '--title', 'Fan', '--price', '1500', '--currency', 'JPY'])).call.opts).toMatchObject({ priceCents: 1500, currency: 'JPY' })
    expect((await parsed(['products', 'create', '--title', 'Cap', '--price-cents', '1999', '--currency', 'USD', '--description', 'Blue'])).call.opts).toMatchObject({ priceCents: 1999, description: 'Blue' })
  })

  const bad: Array<[string[], RegExp]> = [
    [['--title', 'x', '--price', '1.999', '--currency', 'EUR'], /EUR has 2 decimals/],
    [['--title', 'x', '--price', '1.5', '--currency', 'JPY'], /JPY has 0 decimals/],
    [['--title', 'x', '--price', 'free', '--currency', 'EUR'], /--price must be an amount/],
    [['--title', 'x', '--price', '1', '--price-cents', '100', '--currency', 'EUR'], /not both/],
    [['--title', 'x', '--price', '1', '--currency', 'EURO'], /ISO 4217/],
    [['--price', '1', '--currency', 'EUR'], /--title is required/],
  ]
  for (const [args, message] of bad) {
    test(`create refuses ${args.join(' ')}`, async () => {
      const r = await parsed(['products', 'create', ...args])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
    })
  }

  test('update needs at least one field; get needs an id', async () => {
    expect((await parsed(['products', 'update', PRODUCT])).code).toBe(2)
    expect((await parsed(['products', 'update', PRODUCT, '--price', '10'])).call.opts).toEqual({ productId: PRODUCT, title: undefined, description: undefined, price: { amount: '10' }, currency: undefined })
    expect((await parsed(['products', 'get', PRODUCT])).call.opts).toEqual({ productId: PRODUCT })
  })
})

describe('session and globals', () => {
  test('login: prompts only on a terminal; --password-stdin needs --email', async () => {
    const piped = await parsed(['login'])
    expect(piped.code).toBe(2)
    expect(piped.stderr).toContain('no terminal to ask for the password')
    expect((await parsed(['login', '--password-stdin'])).code).toBe(2)
    expect((await parsed(['login', '--email', 'a@b.c', '--password-stdin'])).call.opts).toEqual({ email: 'a@b.c', passwordStdin: true })
    expect((await parsed(['login'], { stdinTTY: true })).call.opts).toEqual({ email: undefined, passwordStdin: false })
  })

  test('global flags reach every command, before or after the verb', async () => {
    const r = await parsed(['--api-url', 'https://api.example', 'drops', 'list', '--json', '--profile', 'staging', '--no-color'])
    expect(r.call.globals).toMatchObject({ apiUrl: 'https://api.example', json: true, profile: 'staging', color: false })
  })

  test('unknown commands and options are usage errors (exit 2) with a suggestion', async () => {
    const r = await parsed(['drops', 'scedule'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('(Did you mean schedule?)')
    expect((await parsed(['drops', 'list', '--bogus'])).code).toBe(2)
    expect((await parsed(['drops'])).code).toBe(2)
    const typo = await parsed(['lgoin'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain("error: unknown command 'lgoin'\n(Did you mean login?)")
  })

  test('a verb without its resource points to the commands that have it', async () => {
    const watch = await parsed(['watch', 'x'])
    expect(watch.code).toBe(2)
    expect(watch.stderr).toBe("error: unknown command 'watch'\n(Did you mean livedrop drops watch?)\n")
    expect((await parsed(['list'])).stderr).toContain('(Did you mean livedrop products list or livedrop drops list or livedrop orders list or livedrop webhooks list?)')
    expect(watch.calls).toHaveLength(0)
  })

  test('every command has --help with examples (exit 0, on stdout)', async () => {
    const paths = GROUPS.flatMap((g) => g.commands.map((c) => [...(g.name ? [g.name] : []), c.name.split(' ')[0]]))
    expect(paths.map((p) => p.join(' '))).toEqual([
      'login', 'logout', 'whoami', 'creators create',
      'products create', 'products list', 'products get', 'products update',
      'drops schedule', 'drops list', 'drops get', 'drops update', 'drops cancel', 'drops watch', 'drops audit',
      'orders list',
      'webhooks create', 'webhooks list', 'webhooks delete', 'webhooks deliveries', 'webhooks redeliver', 'listen',
    ])
    for (const p of [[], ...paths, ...GROUPS.filter((g) => g.name).map((g) => [g.name!])]) {
      const r = await runCli([...p, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Examples:\n  $ livedrop ')
    }
  })
})
