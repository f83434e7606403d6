// The webhooks commands against the real server in process (the SDK's fetch goes to app.handle), real Postgres
// underneath. Endpoints point at a closed loopback port (the dev setting): nothing is delivered in these tests.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerUser, testConfig, unique, type TestContext } from '../../../../server/test/helpers'
import { freshConfigHome, runCli, type RunOptions } from '../../../test/harness'

const API = 'http://cli.test'
const URL_ = 'http://127.0.0.1:9/cli-hook'
let ctx: TestContext
let fetch: NonNullable<RunOptions['fetch']>

beforeAll(() => {
  ctx = createTestContext({ redisKeyPrefix: `livedrop-cli-test:${process.pid}:`, webhooks: { ...testConfig().webhooks, allowHttpLoopback: true } })
  fetch = (input, init) => ctx.app.handle(new Request(input, init))
})
afterAll(async () => {
  // Their pings would otherwise be retried for a day by a later suite's delivery worker.
  await ctx.deps.sql`delete from webhook_endpoints where url = ${URL_}`
  await ctx.close()
})

async function creatorMachine() {
  const home = freshConfigHome()
  const run = (argv: string[], o: RunOptions = {}) => runCli(argv, { fetch, ...o, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API, ...o.env } })
  const u = await registerUser(ctx.api)
  expect((await run(['login', '--email', u.email, '--password-stdin'], { stdin: `${u.password}\n` })).code).toBe(0)
  expect((await run(['creators', 'create', '--handle', unique('h').toLowerCase(), '--display-name', 'Hooks'])).code).toBe(0)
  return { run, user: u }
}

describe('livedrop webhooks', () => {
  test('create prints id and secret once; list; deliveries; redeliver; delete', async () => {
    const m = await creatorMachine()
    const created = await m.run(['webhooks', 'create', '--url', URL_, '--events', 'order.confirmed,drop.sold_out', '--description', 'shop'])
    expect(created.code).toBe(0)
    const [hookId, secret] = created.stdout.trim().split('\t')
    expect(secret).toMatch(/^whsec_/)
    expect(created.stderr).toContain('not shown again')
    const [row] = await ctx.deps.sql`select url, events, description from webhook_endpoints where id = ${hookId}`
    expect(row).toEqual({ url: URL_, events: ['order.confirmed', 'drop.sold_out'], description: 'shop' })

    const list = await m.run(['webhooks', 'list'], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(list.stdout).toMatch(/^ID\s+URL\s+EVENTS\s+STATE$/m)
    expect(list.stdout).toMatch(new RegExp(`^${hookId}\\s+${URL_}\\s+order.confirmed,drop.sold_out\\s+enabled`, 'm'))
    expect((await m.run(['webhooks', 'list', '--json'])).json().map((w: { id: string }) => w.id)).toEqual([hookId])

    // A ping queued through the API shows in the log; redeliver queues it again.
    const login = await ctx.api('POST', '/v1/auth/login', { body: { email: m.user.email, password: m.user.password } })
    const ping = await ctx.api('POST', `/v1/webhooks/${hookId}/test`, { token: login.body.accessToken })
    expect(ping.status).toBe(202)
    const log = await m.run(['webhooks', 'deliveries', hookId, '--json'])
    expect(log.json()).toMatchObject([{ id: ping.body.id, eventType: 'ping', status: 'pending' }])
    const table = await m.run(['webhooks', 'deliveries', hookId], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(table.stdout).toMatch(new RegExp(`^${ping.body.id}\\s+ping\\s+pending\\s+0\\s+-\\s+-`, 'm'))
    const again = await m.run(['webhooks', 'redeliver', hookId, ping.body.id])
    expect(again.code).toBe(0)
    expect(again.stdout.trim()).toBe(ping.body.id)

    expect((await m.run(['webhooks', 'delete', hookId])).code).toBe(0)
    expect((await ctx.deps.sql`select id from webhook_endpoints where id = ${hookId}`).length).toBe(0)
    const gone = await m.run(['webhooks', 'delete', hookId])
    expect(gone.code).toBe(5)
  })

  test('bad input is a usage error (exit 2) before any request; refusals keep their code', async () => {
    const m = await creatorMachine()
    const bad = await m.run(['webhooks', 'create', '--url', URL_, '--events', 'order.confirmed,drop.stock'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown event drop.stock')
    expect((await m.run(['webhooks', 'create', '--events', 'all'])).code).toBe(2)
    const ssrf = await m.run(['webhooks', 'create', '--url', 'https://169.254.169.254/', '--events', 'all'])
    expect(ssrf.code).toBe(1)
    expect(ssrf.stderr).toContain('link')
    expect((await ctx.deps.sql`select id from webhook_endpoints where url = 'https://169.254.169.254/'`).length).toBe(0)
  })
})
