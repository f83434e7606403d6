// Run tests: the commands against the real server in process (the SDK's fetch goes to app.handle), real
// Postgres and Redis underneath. Outcomes are asserted on stdout/stderr/exit code and on the database rows.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { statSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTestContext, registerUser, liveDrop, unique, type TestContext } from '../../../server/test/helpers'
import { freshConfigHome, runCli, STACK_LINE, type RunOptions } from '../../test/harness'

const API = 'http://cli.test'
let ctx: TestContext
let fetch: NonNullable<RunOptions['fetch']>

beforeAll(() => {
  ctx = createTestContext({ redisKeyPrefix: `livedrop-cli-test:${process.pid}:` })
  fetch = (input, init) => ctx.app.handle(new Request(input, init))
})
afterAll(() => ctx.close())

/** A CLI bound to one config folder (one "machine"), talking to the in-process server. */
function machine(env: Record<string, string> = {}) {
  const home = freshConfigHome()
  const run = (argv: string[], o: RunOptions = {}) => runCli(argv, { fetch, ...o, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API, ...env, ...o.env } })
  return { home, run }
}

/** A machine logged in (through the CLI) as a fresh creator. */
async function creatorMachine() {
  const m = machine()
  const u = await registerUser(ctx.api)
  const login = await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: `${u.password}\n` })
  expect(login.code).toBe(0)
  const c = await m.run(['creators', 'create', '--handle', unique('h').toLowerCase(), '--display-name', 'CLI Creator', '--json'])
  expect(c.code).toBe(0)
  return { ...m, user: u, creatorId: c.json().id as string }
}

const countDrops = async (creatorId: string) => Number((await ctx.deps.sql`select count(*)::int as n from drops where creator_id = ${creatorId}`)[0].n)

describe('session', () => {
  test('login --password-stdin saves a 0600 profile under XDG_CONFIG_HOME; whoami; logout revokes', async () => {
    const m = machine()
    const u = await registerUser(ctx.api)
    const login = await m.run(['login', '--email', u.email, '--password-stdin', '--json'], { stdin: `${u.password}\n` })
    expect(login.code).toBe(0)
    expect(login.json()).toMatchObject({ id: u.user.id, username: u.username })
    expect(login.stderr).toContain(`Logged in to ${API} as ${u.username} (profile "default")`)

    const file = join(m.home, 'livedrop', 'config.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(m.home, 'livedrop')).mode & 0o777).toBe(0o700)
    const saved = JSON.parse(readFileSync(file, 'utf8')).profiles.default
    expect(saved).toMatchObject({ apiUrl: API, email: u.email })
    expect(saved.refreshToken).toBeString()

    const who = await m.run(['whoami'])
    expect(who.code).toBe(0)
    expect(who.stdout).toContain(`${u.username} <${u.email}>`)
    expect(who.stdout).toContain('not a creator yet')
    const whoJson = await m.run(['whoami', '--json'])
    expect(whoJson.json()).toMatchObject({ id: u.user.id, email: u.email, creator: null })

    const out = await m.run(['logout'])
    expect(out.code).toBe(0)
    expect(out.stderr).toContain('Logged out')
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.default.refreshToken).toBeUndefined()
    // The server revoked the family: the saved refresh token no longer works even if someone kept a copy.
    const refresh = await ctx.api('POST', '/v1/auth/refresh', { body: { refreshToken: saved.refreshToken } })
    expect(refresh.status).toBe(401)

    const after = await m.run(['whoami'])
    expect(after.code).toBe(4)
    expect(after.stderr).toContain('error: you are not logged in (AUTH_REQUIRED)')
  })

  test('wrong password → exit 4 with the problem detail and code, nothing saved, no stack trace', async () => {
    const m = machine()
    const u = await registerUser(ctx.api)
    const r = await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: 'not the password' })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^error: .+ \(INVALID_CREDENTIALS\)$/m)
    expect(r.stderr).not.toMatch(STACK_LINE)
    expect((await m.run(['whoami'])).code).toBe(4)
  })

  test('profiles are separate; LIVEDROP_TOKEN overrides the saved login', async () => {
    const m = machine()
    const a = await registerUser(ctx.api)
    const b = await registerUser(ctx.api)
    expect((await m.run(['login', '--email', a.email, '--password-stdin'], { stdin: a.password })).code).toBe(0)
    expect((await m.run(['--profile', 'other', 'login', '--email', b.email, '--password-stdin'], { stdin: b.password })).code).toBe(0)
    expect((await m.run(['whoami', '--json'])).json().id).toBe(a.user.id)
    expect((await m.run(['whoami', '--json', '--profile', 'other'])).json().id).toBe(b.user.id)
    expect((await m.run(['whoami', '--json'], { env: { LIVEDROP_PROFILE: 'other' } })).json().id).toBe(b.user.id)
    const viaEnv = await m.run(['whoami', '--json'], { env: { LIVEDROP_TOKEN: b.accessToken } })
    expect(viaEnv.json().id).toBe(b.user.id)
    // A bad env token is an auth failure, not a crash, and the saved login is left alone.
    const bad = await m.run(['whoami'], { env: { LIVEDROP_TOKEN: 'not-a-jwt' } })
    expect(bad.code).toBe(4)
    expect(bad.stderr).toContain('livedrop login')
    expect((await m.run(['whoami', '--json'])).json().id).toBe(a.user.id)
  })

  test('an expired access token is refreshed once and the rotated pair is saved for the next command', async () => {
    const m = machine()
    const u = await registerUser(ctx.api)
    await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: u.password })
    const file = join(m.home, 'livedrop', 'config.json')
    const cfg = JSON.parse(readFileSync(file, 'utf8'))
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const expired = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: u.user.id, iat: 1, exp: 2 })}.c2ln`
    const oldRefresh = cfg.profiles.default.refreshToken
    cfg.profiles.default.accessToken = expired
    writeFileSync(file, JSON.stringify(cfg))
    const who = await m.run(['whoami', '--json'])
    expect(who.code).toBe(0)
    expect(who.json().id).toBe(u.user.id)
    const saved = JSON.parse(readFileSync(file, 'utf8')).profiles.default
    expect(saved.accessToken).not.toBe(expired)
    expect(saved.refreshToken).not.toBe(oldRefresh)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await m.run(['whoami', '--json'])).json().id).toBe(u.user.id)
  })

  test('--api-url beats LIVEDROP_API_URL; an unreachable API is a clear exit 1', async () => {
    const m = machine()
    const r = await runCli(['drops', 'list', '--api-url', 'http://127.0.0.1:9'], { env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error: cannot reach the LiveDrop API at http://127.0.0.1:9 (NETWORK)')
    const bad = await m.run(['drops', 'list', '--api-url', 'ftp://x'])
    expect(bad.code).toBe(2)
  })
})

describe('products', () => {
  test('create prints the id; list --mine; get; update', async () => {
    const m = await creatorMachine()
    const created = await m.run(['products', 'create', '--title', 'Tour hoodie', '--price', '49.90', '--currency', 'EUR', '--description', 'Black'])
    expect(created.code).toBe(0)
    const productId = created.stdout.trim()
    const [row] = await ctx.deps.sql`select title, price_cents, currency, creator_id from products where id = ${productId}`
    expect(row).toEqual({ title: 'Tour hoodie', priceCents: 4990, currency: 'EUR', creatorId: m.creatorId })

    const list = await m.run(['products', 'list', '--mine'], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(list.stdout).toMatch(/^ID\s+TITLE\s+PRICE\s+CREATED$/m)
    expect(list.stdout).toMatch(new RegExp(`^${productId}\\s+Tour hoodie\\s+49\\.90 EUR`, 'm'))
    const listJson = await m.run(['products', 'list', '--mine', '--json'])
    expect(listJson.json().map((p: { id: string }) => p.id)).toEqual([productId])

    const got = await m.run(['products', 'get', productId, '--json'])
    expect(got.json()).toMatchObject({ id: productId, priceCents: 4990 })

    const upd = await m.run(['products', 'update', productId, '--price', '39', '--json'])
    expect(upd.code).toBe(0)
    expect(upd.json().priceCents).toBe(3900)
    expect((await ctx.deps.sql`select price_cents from products where id = ${productId}`)[0].priceCents).toBe(3900)
  })

  test("someone else's product: 403 → exit 1; unknown product → exit 5", async () => {
    const owner = await creatorMachine()
    const other = await creatorMachine()
    const productId = (await owner.run(['products', 'create', '--title', 'Mine', '--price-cents', '100', '--currency', 'EUR'])).stdout.trim()
    const r = await other.run(['products', 'update', productId, '--title', 'Stolen'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(FORBIDDEN\)/)
    const missing = await other.run(['products', 'get', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b'])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/\(NOT_FOUND\)/)
  })

  test('creators create twice → ALREADY_A_CREATOR, exit 6 (conflict)', async () => {
    const m = await creatorMachine()
    const r = await m.run(['creators', 'create', '--handle', unique('h').toLowerCase(), '--display-name', 'Again'])
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(/\(ALREADY_A_CREATOR\)/)
  })

  test('products create before creators create → NOT_A_CREATOR, exit 1', async () => {
    const m = machine()
    const u = await registerUser(ctx.api)
    await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: u.password })
    const r = await m.run(['products', 'create', '--title', 'x', '--price-cents', '1', '--currency', 'EUR'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(NOT_A_CREATOR\)/)
  })
})

describe('drops', () => {
  async function withProduct() {
    const m = await creatorMachine()
    const productId = (await m.run(['products', 'create', '--title', 'Drop item', '--price-cents', '2500', '--currency', 'EUR'])).stdout.trim()
    return { ...m, productId }
  }

  test('schedule echoes the resolved UTC time and creates exactly that drop', async () => {
    const m = await withProduct()
    const before = Date.now()
    const r = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--ends-at', 'in 3h', '--stock', '500', '--per-user-limit', '2', '--low-stock', '50', '--json'])
    expect(r.code).toBe(0)
    const drop = r.json()
    const startsAt = Date.parse(drop.startsAt)
    expect(startsAt).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000)
    expect(startsAt).toBeLessThanOrEqual(Date.now() + 2 * 3600_000)
    expect(r.stderr).toContain(`Starts at ${new Date(startsAt).toISOString()} (in 2h`)
    const [row] = await ctx.deps.sql`select status, initial_stock, available_stock, per_user_limit, low_stock_threshold, starts_at, ends_at from drops where id = ${drop.id}`
    expect(row).toMatchObject({ status: 'scheduled', initialStock: 500, availableStock: 500, perUserLimit: 2, lowStockThreshold: 50 })
    expect(row.startsAt.getTime()).toBe(startsAt)
    expect(row.endsAt.getTime()).toBe(startsAt + 3600_000)
  })

  test('bad input → clear message, the right exit code, and no drop row', async () => {
    const m = await withProduct()
    const cases: Array<[string[], number, RegExp]> = [
      [['--product', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b', '--at', 'in 1h', '--stock', '5'], 5, /product not found \(NOT_FOUND\)/],
      [['--product', m.productId, '--at', '2001-01-01T00:00:00Z', '--stock', '5'], 2, /in the past \(USAGE\)/],
      [['--product', m.productId, '--at', 'in 1h', '--stock', '0'], 2, /--stock must be between 1 and 1000000, got 0 \(USAGE\)/],
    ]
    for (const [args, code, message] of cases) {
      const r = await m.run(['drops', 'schedule', ...args])
      expect({ args, code: r.code }).toEqual({ args, code })
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(STACK_LINE)
      expect(r.stdout).toBe('')
    }
    expect(await countDrops(m.creatorId)).toBe(0)
  })

  test('schedule --file: validates every entry before creating any', async () => {
    const m = await withProduct()
    const dir = freshConfigHome()
    const write = (name: string, body: string) => {
      const p = join(dir, name)
      writeFileSync(p, body)
      return p
    }
    const good = { productId: m.productId, startsAt: 'in 1h', initialStock: 10 }

    const malformed = await m.run(['drops', 'schedule', '--file', write('bad.json', '[{"productId": ')])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(/bad\.json is not valid JSON/)

    const mixed = await m.run(['drops', 'schedule', '--file', write('mixed.json', JSON.stringify([good, { ...good, initialStock: 0 }, { ...good, startsAt: 'last year' }, { ...good, colour: 'red' }]))])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('nothing was scheduled, 3 problems')
    expect(mixed.stderr).toContain('[1].initialStock must be between 1 and 1000000, got 0')
    expect(mixed.stderr).toMatch(/\[2\]\.startsAt: "last year" is .* in the past/)
    expect(mixed.stderr).toContain('[3].colour is not a drop field')

    const unknownProduct = await m.run(['drops', 'schedule', '--file', write('unknown.json', JSON.stringify([good, { ...good, productId: '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b' }]))])
    expect(unknownProduct.code).toBe(5)
    expect(unknownProduct.stderr).toContain('product 0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b does not exist')

    const other = await creatorMachine()
    const theirs = (await other.run(['products', 'create', '--title', 'Theirs', '--price-cents', '1', '--currency', 'EUR'])).stdout.trim()
    const notMine = await m.run(['drops', 'schedule', '--file', write('theirs.json', JSON.stringify([good, { ...good, productId: theirs }]))])
    expect(notMine.code).toBe(1)
    expect(notMine.stderr).toContain(`product ${theirs} ("Theirs") is not yours`)

    expect(await countDrops(m.creatorId)).toBe(0)

    const ok = await m.run(['drops', 'schedule', '--file', write('ok.json', JSON.stringify([good, { ...good, startsAt: 'tomorrow 18:00', endsAt: 'tomorrow 19:00', perUserLimit: 1 }])), '--json'])
    expect(ok.code).toBe(0)
    const created = ok.json()
    expect(created).toHaveLength(2)
    expect(await countDrops(m.creatorId)).toBe(2)
    expect(created[1].perUserLimit).toBe(1)

    const viaStdin = await m.run(['drops', 'schedule', '--file', '-'], { stdin: JSON.stringify([good]) })
    expect(viaStdin.code).toBe(0)
    expect(viaStdin.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/)
    expect(await countDrops(m.creatorId)).toBe(3)
  })

  test('list: a table on a terminal (product, status, starts in/at, stock left), JSON with --json', async () => {
    const m = await withProduct()
    const a = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--stock', '100'])).stdout.trim()
    const b = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '30'])).stdout.trim()
    const table = await m.run(['drops', 'list', '--mine'], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+PRODUCT\s+STATUS\s+STARTS\s+AT\s+STOCK LEFT$/)
    expect(lines).toHaveLength(3)
    expect(table.stdout).not.toContain('\x1b[') // NO_COLOR
    // Newest first for a mixed list; both scheduled with their countdown and stock.
    const rowOf = (id: string) => lines.find((l) => l.startsWith(id))!
    expect(rowOf(a)).toMatch(/Drop item\s+scheduled\s+in (1h 59m|2h)( \d+s)?\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+100\/100$/)
    expect(rowOf(b)).toMatch(/Drop item\s+scheduled\s+in (59m|1h)( \d+s)?\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+30\/30$/)

    const coloured = await m.run(['drops', 'list', '--mine'], { stdoutTTY: true })
    expect(coloured.stdout).toContain('\x1b[36mscheduled\x1b[39m')
    expect((await m.run(['drops', 'list', '--mine', '--no-color'], { stdoutTTY: true })).stdout).not.toContain('\x1b[')

    const json = await m.run(['drops', 'list', '--mine', '--status', 'scheduled', '--json'])
    expect(json.json().map((d: { id: string }) => d.id)).toEqual([b, a]) // scheduled: soonest first
    const limited = await m.run(['drops', 'list', '--mine', '--limit', '1', '--json'])
    expect(limited.json()).toHaveLength(1)
  })

  test('get, update, cancel, audit; conflicts exit 6', async () => {
    const m = await withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10'])).stdout.trim()
    const got = await m.run(['drops', 'get', dropId])
    expect(got.stdout).toContain(`Drop ${dropId}  scheduled`)
    expect(got.stdout).toContain('10 of 10 left')

    const upd = await m.run(['drops', 'update', dropId, '--stock', '20', '--at', 'in 3h', '--per-user-limit', '3', '--json'])
    expect(upd.code).toBe(0)
    expect(upd.json()).toMatchObject({ initialStock: 20, availableStock: 20, perUserLimit: 3 })
    const cleared = await m.run(['drops', 'update', dropId, '--per-user-limit', 'none', '--json'])
    expect(cleared.json().perUserLimit).toBeNull()

    const cancel = await m.run(['drops', 'cancel', dropId, '--yes'])
    expect(cancel.code).toBe(0)
    expect(cancel.stderr).toContain(`Drop ${dropId} is cancelled`)
    expect((await ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('cancelled')

    const late = await m.run(['drops', 'update', dropId, '--stock', '5'])
    expect(late.code).toBe(6)
    expect(late.stderr).toMatch(/^error: .*scheduled.* \(DROP_NOT_SCHEDULED\)$/m)
    const lateJson = await m.run(['drops', 'update', dropId, '--stock', '5', '--json'])
    expect(lateJson.code).toBe(6)
    expect(JSON.parse(lateJson.stderr)).toMatchObject({ error: { code: 'DROP_NOT_SCHEDULED', status: 409, exitCode: 6 } })
    expect(lateJson.stdout).toBe('')

    const audit = await m.run(['drops', 'audit', dropId, '--json'])
    expect(audit.code).toBe(0)
    expect(audit.json()).toMatchObject({ dropId, initialStock: 20, availableStock: 20, invariantHolds: true })
  })

  test('cancel on a terminal asks first; "n" keeps the drop', async () => {
    const m = await withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10'])).stdout.trim()
    const no = await m.run(['drops', 'cancel', dropId], { stdin: 'n\n' })
    expect(no.code).toBe(2) // without a terminal and without --yes: refused before asking
    const asked = await runCli(['drops', 'cancel', dropId], { fetch, stdinTTY: true, stdin: 'n\n', env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(asked.stderr).toContain(`Cancel drop ${dropId}?`)
    expect(asked.code).toBe(1)
    expect((await ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('scheduled')
    const yes = await runCli(['drops', 'cancel', dropId], { fetch, stdinTTY: true, stdin: 'y\n', env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(yes.code).toBe(0)
    expect((await ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('cancelled')
  })
})

describe('orders', () => {
  test('orders list shows the buyer\'s orders; --drop filters', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 10 })
    const { drop: other } = await liveDrop(ctx, { initialStock: 10 })
    const m = machine()
    const buyer = await registerUser(ctx.api)
    for (const [dropId, quantity] of [[drop.id, 2], [other.id, 1]] as const) {
      const res = await ctx.api('POST', '/v1/orders', { token: buyer.accessToken, headers: { 'idempotency-key': unique('k') }, body: { dropId, quantity } })
      expect(res.status).toBe(201)
    }
    await m.run(['login', '--email', buyer.email, '--password-stdin'], { stdin: buyer.password })
    const all = await m.run(['orders', 'list', '--json'])
    expect(all.json().map((o: { dropId: string }) => o.dropId).sort()).toEqual([drop.id, other.id].sort())
    const one = await m.run(['orders', 'list', '--drop', drop.id], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(one.stdout).toMatch(new RegExp(`${drop.id}\\s+2\\s+30\\.00 EUR\\s+confirmed`))
    expect(one.stdout).not.toContain(other.id)
  })
})

describe('not logged in', () => {
  test('commands that need a login exit 4 and say how to log in', async () => {
    const m = machine()
    for (const argv of [['whoami'], ['products', 'create', '--title', 'x', '--price-cents', '1', '--currency', 'EUR'], ['drops', 'list', '--mine'], ['orders', 'list']]) {
      const r = await m.run(argv)
      expect({ argv, code: r.code }).toEqual({ argv, code: 4 })
      expect(r.stderr).toContain('Run `livedrop login`')
    }
    // Public reads work without a login.
    const r = await m.run(['drops', 'list', '--limit', '1', '--json'])
    expect(r.code).toBe(0)
    expect(Array.isArray(r.json())).toBe(true)
  })
})

