// The search command against the real server in process (the SDK's fetch goes to app.handle), real Postgres
// and Redis underneath; outcomes asserted on stdout, stderr and the exit code.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, type TestContext } from '../../../server/test/helpers'
import { freshConfigHome, runCli, type RunOptions } from '../../test/harness'
import { palette } from '../output'
import { snippetText } from './search'

const API = 'http://cli.test'
let ctx: TestContext
let fetch: NonNullable<RunOptions['fetch']>

beforeAll(() => {
  ctx = createTestContext({ redisKeyPrefix: `livedrop-cli-search-test:${process.pid}:` })
  fetch = (input, init) => ctx.app.handle(new Request(input, init))
})
afterAll(() => ctx.close())

const run = (argv: string[]) => runCli(argv, { fetch, env: { XDG_CONFIG_HOME: freshConfigHome(), LIVEDROP_API_URL: API } })
const word = () => 'zq' + Array.from({ length: 7 }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('')

describe('livedrop search', () => {
  test('lists ranked matches as a table, or as JSON with --json; filters pass through', async () => {
    const w = word()
    const owner = await registerCreator(ctx.api)
    const post = (title: string, priceCents: number) =>
      ctx.api('POST', '/v1/products', { token: owner.accessToken, body: { title, priceCents, currency: 'EUR', description: `about ${w} & "friends" <3` } })
    const best = (await post(`${w} hoodie`, 4900)).body
    const other = (await post('Plain tee', 1500)).body
    const drop = await ctx.api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: best.id, startsAt: new Date(Date.now() + 3600_000).toISOString(), initialStock: 3 } })
    expect(drop.status).toBe(201)

    const json = await run(['search', w, '--type', 'product', '--json'])
    expect(json.code).toBe(0)
    expect(json.json().map((r: { id: string }) => r.id)).toEqual([best.id, other.id])

    const text = await run(['search', w, '--type', 'product'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('TYPE')
    expect(text.stdout).toContain(`${w} hoodie`)
    expect(text.stdout).toContain(`about ${w} & "friends`) // entities decoded for the terminal
    expect(text.stdout).toContain('49.00 EUR')

    const drops = await run(['search', w, '--type', 'drop', '--status', 'scheduled', '--after', 'now', '--max-price-cents', '5000', '--json'])
    expect(drops.code).toBe(0)
    expect(drops.json().map((r: { id: string }) => r.id)).toEqual([drop.body.id])

    const none = await run(['search', w, '--type', 'drop', '--status', 'live'])
    expect(none.code).toBe(0)
    expect(none.stderr).toContain(`No results for "${w}"`)
  })

  test('bad input: a usage error before any request, or the server problem with a non-zero exit', async () => {
    const blank = await run(['search', '   '])
    expect(blank.code).not.toBe(0)
    expect(blank.stderr).toContain('a query is required')
    const type = await run(['search', 'hoodie', '--type', 'shop'])
    expect(type.code).not.toBe(0)
    expect(type.stderr).toContain('INVALID_PARAMETER')
    const long = await run(['search', 'x'.repeat(201)])
    expect(long.code).not.toBe(0)
    expect(long.stderr).toMatch(/200/)
  })

  test('snippetText renders <mark> and decodes the five entities', () => {
    const c = palette(false)
    expect(snippetText('a &lt;b&gt; &amp; &quot;q&quot; &#39;s&#39; <mark>hit</mark>\nnext', c)).toBe('a <b> & "q" \'s\' hit next')
  })
})
