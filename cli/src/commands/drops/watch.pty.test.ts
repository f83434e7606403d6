// The terminal experience, for real: a spawned server process, and `livedrop` started through its Node
// launcher (cli/bin/livedrop.js, as `npx livedrop` runs it) inside a pseudo-terminal (Bun's built-in PTY), read
// as a person would see it. Orders arrive from another client while the view is open.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLiveDrop, type LiveDrop } from '@livedrop/sdk'
import { startServer, type ServerProcess } from '../../../../server/test/processes'
import { unique } from '../../../../server/test/helpers'
import { freshConfigHome, waitFor } from '../../../test/harness'

const ROOT = join(import.meta.dir, '..', '..', '..', '..')
const PORT = 3551
let server: ServerProcess

beforeAll(async () => {
  server = await startServer(PORT, { REDIS_KEY_PREFIX: `livedrop-cli-pty:${process.pid}:` })
})
afterAll(() => server?.kill())

// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

/** How people start it: the launcher itself, or through npx (npm and a shell in between, as the README says). */
const LAUNCHER = ['node', 'cli/bin/livedrop.js']
const NPX = ['npx', '--no', 'livedrop'] // --no: never download, use the workspace's own bin

/** `node cli/bin/livedrop.js …` in an 100×30 pseudo-terminal; `screen()` is everything it drew, escape codes removed. */
function inTerminal(args: string[], env: Record<string, string> = {}, launcher = LAUNCHER) {
  let raw = ''
  const decoder = new TextDecoder()
  const proc = Bun.spawn([...launcher, ...args], {
    cwd: ROOT,
    env: { ...process.env, LIVEDROP_API_URL: server.url, XDG_CONFIG_HOME: freshConfigHome(), NO_COLOR: '', TERM: 'xterm-256color', ...env },
    terminal: { cols: 100, rows: 30, data: (_t, d) => (raw += decoder.decode(d, { stream: true })) },
  })
  return {
    proc,
    raw: () => raw,
    screen: () => strip(raw),
    type: (s: string) => proc.terminal!.write(s),
    async exit() {
      const code = await proc.exited
      proc.terminal?.close()
      return code
    },
  }
}

async function account(baseUrl: string, creator: boolean): Promise<{ ld: LiveDrop; email: string; password: string }> {
  const ld = createLiveDrop({ baseUrl })
  const username = unique('pty_')
  const email = `${username}@example.test`
  const password = 'correct horse battery'
  expect((await ld.register({ username, email, password })).error).toBeUndefined()
  if (creator) expect((await ld.POST('/v1/creators', { body: { handle: unique('p').toLowerCase(), displayName: 'PTY Creator' } })).error).toBeUndefined()
  return { ld, email, password }
}

async function scheduleDrop(ld: LiveDrop, startsInMs: number, endsInMs: number | null, initialStock: number) {
  const product = await ld.POST('/v1/products', { body: { title: 'Signed poster', priceCents: 1500, currency: 'EUR' } })
  const drop = await ld.POST('/v1/drops', {
    body: {
      productId: product.data!.id,
      startsAt: new Date(Date.now() + startsInMs).toISOString(),
      ...(endsInMs !== null ? { endsAt: new Date(Date.now() + endsInMs).toISOString() } : {}),
      initialStock,
    },
  })
  expect(drop.error).toBeUndefined()
  return drop.data!
}

describe('drops watch in a terminal', () => {
  test('counts down, goes live, moves the stock bar as orders arrive, and exits 0 when the drop ends', async () => {
    const { ld } = await account(server.url, true)
    const drop = await scheduleDrop(ld, 7_000, 18_000, 10)
    const t = inTerminal(['drops', 'watch', drop.id])

    // The countdown ticks: at least two different values are drawn before the start.
    const countdowns = () => [...new Set([...t.screen().matchAll(/Starts in (\d+:\d\d:\d\d)/g)].map((m) => m[1]))]
    await waitFor(() => countdowns().length >= 2, 'the countdown to change', 10_000, t.screen)
    expect(t.screen()).toContain('Signed poster')
    expect(t.screen()).toContain('○ SCHEDULED')
    expect(t.screen()).toContain(`[${'█'.repeat(40)}] 10 / 10 left`)
    const [first, second] = countdowns()
    expect(second < first).toBe(true)

    await waitFor(() => t.screen().includes('● LIVE'), 'the drop to go live', 10_000, t.screen)

    const buyer = await account(server.url, false)
    const buy = async (quantity: number) => {
      const r = await buyer.ld.createOrder({ dropId: drop.id, quantity })
      expect(r.response.status).toBe(201)
    }
    await buy(2)
    await buy(1)
    await waitFor(() => t.screen().includes(`[${'█'.repeat(28)}${'░'.repeat(12)}] 7 / 10 left`), 'the bar at 7/10', 10_000, t.screen)
    await buy(3)
    await buy(1)
    await waitFor(() => t.screen().includes(`[${'█'.repeat(12)}${'░'.repeat(28)}] 3 / 10 left`), 'the bar at 3/10', 10_000, t.screen)
    expect(t.screen()).toMatch(/Sold {6}7 {2}· {2}\d+\.\d orders\/s/)
    expect(t.screen()).toMatch(/Sold {6}\d+ {2}· {2}(?!0\.0)\d+\.\d orders\/s/) // a non-zero rate was shown

    // endsAt passes: the scheduler ends the drop, the stream says so, the view closes by itself.
    expect(await t.exit()).toBe(0)
    expect(t.screen()).toContain('■ ENDED')
    expect(t.screen()).toContain('Drop ended: 7 of 10 sold')
    expect(t.raw()).toContain('\x1b[?25l') // cursor hidden while drawing…
    expect(t.raw().lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.raw().lastIndexOf('\x1b[?25l')) // …and given back
    expect(t.raw()).toContain('\x1b[32m● LIVE') // colours on a terminal
  }, 45_000)

  test('Ctrl-C stops watching cleanly (exit 130, cursor restored, no stack trace)', async () => {
    const { ld } = await account(server.url, true)
    const drop = await scheduleDrop(ld, 3600_000, null, 5)
    const t = inTerminal(['drops', 'watch', drop.id])
    await waitFor(() => t.screen().includes('Starts in 0:59:'), 'the view', 10_000, t.screen)
    t.type('\x03')
    expect(await t.exit()).toBe(130)
    expect(t.screen()).toContain('Stopped watching')
    expect(t.raw().lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.raw().lastIndexOf('\x1b[?25l'))
    expect(t.screen()).not.toMatch(/^\s+at .+:\d+:\d+/m)
  }, 30_000)

  test('NO_COLOR turns colours off on a terminal', async () => {
    const { ld } = await account(server.url, true)
    const drop = await scheduleDrop(ld, 3600_000, null, 5)
    const t = inTerminal(['drops', 'watch', drop.id], { NO_COLOR: '1' })
    await waitFor(() => t.screen().includes('○ SCHEDULED'), 'the view', 10_000, t.screen)
    t.type('\x03')
    expect(await t.exit()).toBe(130)
    expect(t.raw()).not.toMatch(/\x1b\[3\dm/)
  }, 30_000)
})

describe('login in a terminal', () => {
  test('asks for the email and the password, never echoes the password, saves the session', async () => {
    const { email, password } = await account(server.url, false)
    const home = freshConfigHome()
    const t = inTerminal(['login'], { XDG_CONFIG_HOME: home })
    await waitFor(() => t.screen().includes('Email: '), 'the email prompt', 10_000, t.screen)
    t.type(`${email}\r`)
    await waitFor(() => t.screen().includes('Password: '), 'the password prompt', 10_000, t.screen)
    t.type(`${password}\r`)
    expect(await t.exit()).toBe(0)
    expect(t.screen()).toContain(email) // the email is echoed as typed
    expect(t.screen()).not.toContain(password)
    expect(t.screen()).toContain('Logged in to')
    const saved = JSON.parse(readFileSync(join(home, 'livedrop', 'config.json'), 'utf8')).profiles.default
    expect(saved).toMatchObject({ email, apiUrl: server.url })
  }, 30_000)
})

// Ctrl-C means 130 wherever it is pressed and however the CLI was started: through npx, npm's shell dies of the
// signal and npx reports 130 whatever the CLI says, so the CLI says the same.
describe('Ctrl-C as users run it (npx livedrop)', () => {
  test('in drops watch: 130, the view closed properly', async () => {
    const { ld } = await account(server.url, true)
    const drop = await scheduleDrop(ld, 3600_000, null, 5)
    const t = inTerminal(['drops', 'watch', drop.id], {}, NPX)
    await waitFor(() => t.screen().includes('Starts in 0:59:'), 'the view', 20_000, t.screen)
    t.type('\x03')
    expect(await t.exit()).toBe(130)
    expect(t.screen()).toContain('Stopped watching')
    expect(t.raw().lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.raw().lastIndexOf('\x1b[?25l'))
  }, 40_000)

  for (const [how, launcher] of [['npx livedrop', NPX], ['the launcher', LAUNCHER]] as const) {
    test(`at the password prompt (${how}): 130 CANCELLED, nothing saved`, async () => {
      const home = freshConfigHome()
      const t = inTerminal(['login', '--email', 'someone@example.test'], { XDG_CONFIG_HOME: home }, [...launcher])
      await waitFor(() => t.screen().includes('Password: '), 'the password prompt', 20_000, t.screen)
      t.type('secr\x03')
      expect(await t.exit()).toBe(130)
      expect(t.screen()).toContain('error: cancelled (CANCELLED)')
      expect(t.screen()).not.toContain('secr')
      expect(t.screen()).not.toContain('NO_INPUT')
    }, 40_000)
  }
})
