import { afterAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createTestContext, TEST_JWT_SECRET, testPort, unique } from '../../test/helpers'

// A real server process (main.ts) sent a real SIGTERM.
const PORT = testPort(3510)
const base = `http://127.0.0.1:${PORT}`
const ctx = createTestContext({ redisKeyPrefix: `${unique('shutdown')}:` })
let proc: ReturnType<typeof Bun.spawn> | null = null
afterAll(async () => {
  proc?.kill('SIGKILL')
  await ctx.close()
})

async function startServer() {
  proc = Bun.spawn([process.execPath, join(import.meta.dir, '..', 'main.ts')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      REDIS_URL: process.env.TEST_REDIS_URL || '',
      REDIS_KEY_PREFIX: `${unique('shutdown')}:`,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RUN_SCHEDULER: 'false',
      SHUTDOWN_GRACE_MS: '8000',
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return proc
    } catch {}
    await Bun.sleep(50)
  }
  throw new Error(`server did not start: ${await new Response(proc.stderr as ReadableStream).text()}`)
}

const post = (path: string, body: unknown, token?: string, method = 'POST') =>
  fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })

describe('graceful shutdown', () => {
  test('SIGTERM: in-flight requests finish, new connections are refused, pools close, exit 0 well within 10 s', async () => {
    const p = await startServer()
    const name = unique('sd_')
    const reg = await (await post('/v1/auth/register', { username: name, email: `${name}@example.test`, password: 'correct horse battery' })).json()
    const token = reg.accessToken as string
    expect((await post('/v1/creators', { handle: name.toLowerCase().replaceAll('_', '-'), displayName: 'Shutdown' }, token)).status).toBe(201)
    const product = await (await post('/v1/products', { title: 'Held', priceCents: 100, currency: 'EUR' }, token)).json()

    // Hold the product's row lock so that a PATCH is genuinely in flight (waiting in the database) when
    // SIGTERM arrives.
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const isLocked = new Promise<void>((r) => (locked = r))
    const holder = ctx.deps.sql.begin(async (tx) => {
      await tx`select id from products where id = ${product.id} for update`
      locked()
      await released
    })
    await isLocked
    const inFlight = post(`/v1/products/${product.id}`, { title: 'Patched during shutdown' }, token, 'PATCH')
    await Bun.sleep(300)

    const t0 = performance.now()
    p.kill('SIGTERM')
    await Bun.sleep(300)
    // No new connections once draining: the listener is closed.
    const refused = await fetch(`${base}/healthz`).then((r) => r.status, () => 'refused')
    expect(refused === 'refused' || refused === 503).toBe(true)

    // The in-flight request is still waiting; let it through. It completes with its real answer.
    release()
    await holder
    const res = await inFlight
    expect(res.status).toBe(200)
    expect((await res.json()).title).toBe('Patched during shutdown')

    const code = await p.exited
    const ms = performance.now() - t0
    expect(code).toBe(0)
    expect(ms).toBeLessThan(10_000)
    const logs = await new Response(p.stdout as ReadableStream).text()
    expect(logs).toContain('"msg":"draining"')
    expect(logs).toContain('"msg":"stopped"')
    // The pool closed: no session of the server is left, let alone one idle in a transaction.
    const [{ n }] = await ctx.deps.sql`
      select count(*)::int as n from pg_stat_activity
      where application_name = 'livedrop' and datname = current_database() and state = 'idle in transaction'`
    expect(n).toBe(0)
    const [row] = await ctx.deps.sql`select title from products where id = ${product.id}`
    expect(row.title).toBe('Patched during shutdown')
    proc = null
  })
})
