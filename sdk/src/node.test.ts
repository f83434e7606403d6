import { expect, test } from 'bun:test'
import { testConfig } from '../../server/test/helpers'
import { createSdkContext } from '../test/helpers'
import { sdkDir, useBuiltSdkOverHttp } from '../test/build'

/**
 * The built package (dist/, as `import '@livedrop/sdk'` resolves it outside Bun) under Node 20 against the real
 * server over HTTP: register, a typed call, an order, pagination and a few events of a drop stream.
 */
const t = createSdkContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
const server = useBuiltSdkOverHttp(t)

const SCRIPT = `
import { createLiveDrop, LiveDropError } from '@livedrop/sdk'
const [baseUrl, dropId] = process.argv.slice(-2)
const ld = createLiveDrop({ baseUrl })
const name = 'node_' + Math.random().toString(36).slice(2, 10)
const reg = await ld.register({ username: name, email: name + '@example.test', password: 'correct horse battery' })
const me = await ld.GET('/v1/me')
const order = await ld.createOrder({ dropId, quantity: 1 })
const orders = []
for await (const o of ld.paginate('/v1/me/orders')) orders.push(o.id)
const events = []
const ac = new AbortController()
for await (const e of ld.subscribe({ dropId }, { signal: ac.signal })) {
  events.push(e.type)
  if (events.length === 1) ac.abort()
}
let refused
try { await ld.paginate('/v1/products', { params: { query: { cursor: 'bad' } } }).next() } catch (e) { refused = e instanceof LiveDropError ? e.code : String(e) }
console.log(JSON.stringify({ node: process.version, reg: reg.response.status, me: me.data.username === name, order: order.response.status, orders: orders.length, mine: orders[0] === order.data.id, events, refused }))
`

test('the built package runs under Node 20', async () => {
  const c = await t.creator()
  const product = await c.ld.POST('/v1/products', { body: { title: 'Poster', priceCents: 500, currency: 'EUR' } })
  const drop = await c.ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 5 } })
  await t.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${drop.data!.id}`
  await t.deps.scheduler.tick()

  const proc = Bun.spawn(['node', '--input-type=module', '-e', SCRIPT, `http://127.0.0.1:${server.port()}`, drop.data!.id], { cwd: sdkDir, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(err).toBe('')
  expect(code).toBe(0)
  const r = JSON.parse(out)
  expect(r.node).toMatch(/^v(2\d|[3-9]\d)\./)
  expect(r).toMatchObject({ reg: 201, me: true, order: 201, orders: 1, mine: true, events: ['state'], refused: 'INVALID_CURSOR' })
}, 60_000)
