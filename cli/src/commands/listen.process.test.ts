// livedrop listen as people run it: the real `livedrop` process (cli/bin/livedrop.js) against a real server process
// over HTTP, forwarding to a receiver on loopback; Ctrl-C (SIGINT) ends it with 130.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createLiveDrop, verifyWebhook } from '@livedrop/sdk'
import { startServer, type ServerProcess } from '../../../server/test/processes'
import { unique } from '../../../server/test/helpers'
import { webhookReceiver } from '../../../server/test/receiver'
import { freshConfigHome, waitFor } from '../../test/harness'

const ROOT = join(import.meta.dir, '..', '..', '..')
let server: ServerProcess
const rx = webhookReceiver()

beforeAll(async () => {
  server = await startServer(3555, { REDIS_KEY_PREFIX: `livedrop-cli-listen:${process.pid}:` })
})
afterAll(async () => {
  rx.stop()
  await server?.kill()
})

test('the livedrop process forwards a sale, signed, prints its line, and exits 130 on Ctrl-C', async () => {
  const ld = createLiveDrop({ baseUrl: server.url })
  const email = `${unique('listen')}@example.com`
  expect((await ld.register({ username: unique('listen'), email, password: 'correct horse battery' })).response.status).toBe(201)
  expect((await ld.POST('/v1/creators', { body: { handle: unique('lp').toLowerCase(), displayName: 'Process' } })).response.status).toBe(201)

  // Bun runs the launcher in place (under Node it hands over to Bun): SIGINT reaches the CLI itself.
  const proc = Bun.spawn([process.execPath, 'cli/bin/livedrop.js', 'listen', '--forward-to', rx.url('/proc')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: freshConfigHome(), LIVEDROP_API_URL: server.url, LIVEDROP_TOKEN: ld.tokens!.accessToken },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let out = ''
  let err = ''
  const read = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    const reader = s.getReader()
    const d = new TextDecoder()
    for (let r = await reader.read(); !r.done; r = await reader.read()) add(d.decode(r.value, { stream: true }))
  }
  const reading = Promise.all([read(proc.stdout, (t) => (out += t)), read(proc.stderr, (t) => (err += t))])
  await waitFor(() => err.includes('Ready!'), 'Ready!', 30_000, () => err)
  const secret = /(whsec_[A-Za-z0-9_-]+)/.exec(err)![1]

  const product = await ld.POST('/v1/products', { body: { title: 'Process item', priceCents: 100, currency: 'EUR' } })
  const drop = await ld.POST('/v1/drops', { body: { productId: product.data!.id, startsAt: new Date(Date.now() + 1500).toISOString(), initialStock: 5 } })
  expect(drop.response.status).toBe(201)
  // The server's own scheduler starts it; then a buyer buys.
  const buyer = createLiveDrop({ baseUrl: server.url })
  await buyer.register({ username: unique('buyer'), email: `${unique('buyer')}@example.com`, password: 'correct horse battery' })
  await waitFor(() => rx.at('/proc').length >= 1, 'drop.live forwarded', 20_000, () => out + err)
  const order = await buyer.createOrder({ dropId: drop.data!.id, quantity: 1 })
  expect(order.response.status).toBe(201)
  await waitFor(() => rx.at('/proc').length >= 2 && out.split('\n').filter(Boolean).length >= 2, 'the sale forwarded and printed', 20_000, () => out + err)

  const [live, sale] = rx.at('/proc')
  expect((await verifyWebhook(live.body, live.headers.get('livedrop-signature'), secret)).type).toBe('drop.live')
  const event = await verifyWebhook(sale.body, sale.headers.get('livedrop-signature'), secret)
  expect(event).toMatchObject({ type: 'order.confirmed', dropId: drop.data!.id, data: { order: { id: order.data!.id } } })
  expect(out).toMatch(new RegExp(`order\\.confirmed\\s+${event.id} {2}→ \\[200\\] {2}\\d+ ms`))

  proc.kill('SIGINT')
  expect(await proc.exited).toBe(130)
  await reading
}, 90_000)
