import { afterAll, afterEach, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerUser } from '../../test/helpers'
import { startServer, type ServerProcess } from '../../test/processes'
import { tcpProxy } from '../../test/tcp-proxy'
import { cutOnQuery } from '../../test/pg-wire'

/**
 * The catalogue case "a connection killed just before COMMIT", on a real server process whose PostgreSQL link
 * runs through a proxy the test controls (ports 3583-3585 belong to this suite):
 *  - batched placement (ORDER_BATCHING, the default): the proxy cuts the link when the COMMIT of the
 *    transaction that inserted the order is on its way — the writes are done and never committed;
 *  - unbatched placement: the order is one autocommit statement (no COMMIT on the wire), so the test holds the
 *    drop's row lock, waits until the order's statement is blocked on it, and pg_terminate_backend()s it.
 * Either way: the stock is unchanged and no order exists, and retrying with the same Idempotency-Key places
 * the order exactly once (a second retry replays it).
 */
const ctx = createTestContext()
const target = new URL(process.env.TEST_DATABASE_URL!)
const proxy = tcpProxy(3585, { host: target.hostname, port: Number(target.port || 5432) })
proxy.start()
let server: ServerProcess | null = null

afterEach(async () => {
  proxy.intercept(null)
  await server?.stop()
  server = null
})
afterAll(async () => {
  proxy.close()
  await ctx.close()
})

async function order(token: string, dropId: string, key: string, quantity = 2) {
  const res = await fetch(`${server!.url}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ dropId, quantity }),
  })
  return { status: res.status, body: (await res.json()) as any, replayed: res.headers.get('idempotent-replayed') === 'true' }
}

async function stockAndOrders(dropId: string) {
  const [d] = await ctx.deps.sql<{ availableStock: number }[]>`select available_stock from drops where id = ${dropId}`
  const orders = await ctx.deps.sql<{ id: string; quantity: number; status: string }[]>`select id, quantity, status from orders where drop_id = ${dropId}`
  return { stock: d.availableStock, orders: [...orders] }
}

/** Retries with the key until the answer is final (the SDK's policy: 503 and 409 IN_USE are worth another try). */
async function retryUntilPlaced(token: string, dropId: string, key: string) {
  for (let i = 0; ; i++) {
    const r = await order(token, dropId, key)
    if (r.status !== 503 && !(r.status === 409 && r.body.code === 'IDEMPOTENCY_KEY_IN_USE')) return r
    if (i >= 40) throw new Error(`still ${r.status} ${r.body.code} after ${i} retries`)
    await Bun.sleep(250)
  }
}

/** After the fault: the retry places the order once, a second retry replays it, and the ledger agrees. */
async function expectPlacedOnce(setup: Awaited<ReturnType<typeof liveDrop>>, token: string, key: string, firstId?: string) {
  const { drop, owner } = setup
  const placed = await retryUntilPlaced(token, drop.id, key)
  expect(placed.status).toBe(201)
  if (firstId) expect(placed.body.id).toBe(firstId)
  const again = await order(token, drop.id, key)
  expect(again.status).toBe(201)
  expect(again.replayed).toBe(true)
  expect(again.body.id).toBe(placed.body.id)
  const after = await stockAndOrders(drop.id)
  expect(after.orders).toEqual([{ id: placed.body.id, quantity: 2, status: 'confirmed' }])
  expect(after.stock).toBe(drop.initialStock - 2)
  const audit = await auditOf(ctx, drop.id, owner.accessToken)
  expect(audit.invariantHolds).toBe(true)
  expect(audit.initialStock).toBe(audit.availableStock + audit.confirmedQuantity)
}

describe('a connection killed just before COMMIT', () => {
  test('batched placement: the link dies as the COMMIT is sent → no order, stock unchanged; the retry places it once', async () => {
    // The COMMIT of the transaction that inserted the order — not one of a background job's transactions.
    // Watching from the first connection on: postgres.js prepares `commit` once per connection.
    const cut = cutOnQuery(/^\s*commit\b/i, { after: /insert into orders/i })
    proxy.intercept(cut.intercept)
    server = await startServer(3583, { DATABASE_URL: proxy.via(process.env.TEST_DATABASE_URL!), ORDER_BATCHING: 'true', RUN_SCHEDULER: 'false' })
    const setup = await liveDrop(ctx, { initialStock: 5 })
    const buyer = await registerUser(ctx.api)
    const key = crypto.randomUUID()
    cut.arm()
    const first = await order(buyer.accessToken, setup.drop.id, key)
    expect(cut.state.cuts).toBe(1)
    // Nobody can tell whether a transaction whose COMMIT was lost committed: 503, and the key is free to retry.
    expect(first.status).toBe(503)
    expect(first.body.code).toBe('SERVICE_UNAVAILABLE')
    expect(await stockAndOrders(setup.drop.id)).toEqual({ stock: 5, orders: [] })
    const [{ n }] = await ctx.deps.sql<{ n: number }[]>`select count(*)::int as n from idempotency_keys where user_id = ${buyer.user.id} and key = ${key} and response_status is not null`
    expect(n).toBe(0)
    await expectPlacedOnce(setup, buyer.accessToken, key)
  }, 30_000)

  test('unbatched placement: the backend dies while the order statement runs → no order, stock unchanged; the retry places it once', async () => {
    server = await startServer(3584, { DATABASE_URL: proxy.via(process.env.TEST_DATABASE_URL!), ORDER_BATCHING: 'false', RUN_SCHEDULER: 'false' })
    const setup = await liveDrop(ctx, { initialStock: 5 })
    const buyer = await registerUser(ctx.api)
    const key = crypto.randomUUID()
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const isLocked = new Promise<void>((r) => (locked = r))
    // The test's own transaction holds the drop's row lock: the order's statement will wait on it, mid-flight.
    const holder = ctx.deps.sql.begin(async (tx) => {
      await tx`select 1 from drops where id = ${setup.drop.id} for update`
      locked()
      await released
    })
    try {
      await isLocked
      const first = order(buyer.accessToken, setup.drop.id, key)
      const waiting = async (except: number[]) => {
        for (let i = 0; i < 200; i++) {
          const rows = await ctx.deps.sql<{ pid: number }[]>`
            select pid from pg_stat_activity
            where wait_event_type = 'Lock' and query ilike '%update drops set available_stock%' and pid <> all(${except})`
          if (rows.length) return rows[0].pid
          await Bun.sleep(50)
        }
        throw new Error('the order statement never waited on the drop lock')
      }
      const victim = await waiting([])
      const [{ ok }] = await ctx.deps.sql<{ ok: boolean }[]>`select pg_terminate_backend(${victim}) as ok`
      expect(ok).toBe(true)
      // The killed statement committed nothing: the stock and the orders are as before (the server runs the
      // autocommit statement again on another connection, where it waits on the same lock).
      await waiting([victim])
      expect(await stockAndOrders(setup.drop.id)).toEqual({ stock: 5, orders: [] })
      release()
      await holder
      const answer = await first
      // The re-run statement placed it (201), or the request gave up (503) and the client's retry does.
      expect([201, 503]).toContain(answer.status)
      await expectPlacedOnce(setup, buyer.accessToken, key, answer.status === 201 ? answer.body.id : undefined)
    } finally {
      release()
      await holder.catch(() => {})
    }
  }, 30_000)
})
