import { expect, test } from 'bun:test'
import { testConfig } from '../../server/test/helpers'
import { createSdkContext } from '../test/helpers'
import { sdkDir, useBuiltSdkOverHttp } from '../test/build'

// The README's runnable example, run as a user would (`npm run example -w sdk`: build, then plain Node) against
// the real server.
const t = createSdkContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
const server = useBuiltSdkOverHttp(t)

const STACK_LINE = /^\s+at .+[:(]/m

test('npm run example: waits for drop.live, buys once, and sees the stock move', async () => {
  const c = await t.creator()
  const product = await c.ld.POST('/v1/products', { body: { title: 'Print', priceCents: 800, currency: 'EUR' } })
  const drop = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 4 } })
  const dropId = drop.data!.id
  const proc = Bun.spawn(['npm', 'run', 'example', '--', dropId], {
    cwd: sdkDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LIVEDROP_API_URL: `http://127.0.0.1:${server.port()}`, npm_config_update_notifier: 'false' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  // Start the drop once the example watches it (were it late to connect, its opening `state` says live: same outcome).
  const stderr = proc.stderr.getReader()
  let err = ''
  const deadline = Date.now() + 60_000 // npm run example builds the SDK first
  while (!err.includes('watching drop') && Date.now() < deadline) {
    const { value, done } = await stderr.read()
    if (done) break
    err += new TextDecoder().decode(value)
  }
  await Bun.sleep(200)
  await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
  await t.deps.scheduler.tick()

  const drainStderr = async () => {
    for (let r = await stderr.read(); !r.done; r = await stderr.read()) err += new TextDecoder().decode(r.value)
  }
  const [out, , code] = await Promise.all([new Response(proc.stdout).text(), drainStderr(), proc.exited])
  expect(err).toContain(`watching drop ${dropId}`)
  expect(code).toBe(0)
  const lines = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  expect(lines[0].order).toMatchObject({ dropId, quantity: 1, status: 'confirmed' })
  expect(lines[1]).toEqual({ availableStock: 3 })
  const rows = await t.deps.sql`select count(*)::int as n from orders where drop_id = ${dropId}`
  expect(rows[0].n).toBe(1)
}, 90_000)

test('an unreachable API is one line naming the URL, exit 1, no stack trace', async () => {
  const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') })
  const url = `http://127.0.0.1:${closed.port}`
  closed.stop(true)
  const proc = Bun.spawn(['node', 'examples/watch-and-buy.mjs'], { cwd: sdkDir, env: { PATH: process.env.PATH, LIVEDROP_API_URL: url }, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(code).toBe(1)
  expect(out).toBe('')
  expect(err).toBe(`watch-and-buy: cannot reach the LiveDrop API at ${url} (ECONNREFUSED): start it with \`npm start\`, or set LIVEDROP_API_URL\n`)
  expect(err).not.toMatch(STACK_LINE)
}, 30_000)
