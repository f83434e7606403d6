import { afterAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerUser } from '../../test/helpers'
import { startServer, type ServerProcess } from '../../test/processes'

/**
 * Three real server processes combining orders for the same hot drop: their batches serialize on the drop's
 * row, keys retried on two instances at once race in the database, and the audit must hold.
 */
const ctx = createTestContext()
const servers: ServerProcess[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')))
  await ctx.close()
})

describe('three instances, one hot drop', () => {
  test('1,200 orders (some keys sent to two instances at once) on stock 300 → exactly 300 confirmed, one order per key, limits and audit hold', async () => {
    const env = { RATE_LIMIT_ORDERS: '1000000/10', RUN_SCHEDULER: 'false', ORDER_BATCHING: 'true' }
    servers.push(...(await Promise.all([3543, 3544, 3545].map((p) => startServer(p, env)))))
    const { drop, owner } = await liveDrop(ctx, { initialStock: 300, perUserLimit: 5 })
    // Ten at a time: a hundred argon2 hashes at once can pass the request deadline on a busy 2-core machine.
    const users: Awaited<ReturnType<typeof registerUser>>[] = []
    while (users.length < 100) users.push(...(await Promise.all(Array.from({ length: 10 }, () => registerUser(ctx.api)))))
    type Attempt = { user: number; key: string; quantity: number }
    const attempts: Attempt[] = Array.from({ length: 1200 }, (_, i) => ({ user: i % 100, key: `mi-${i}-${crypto.randomUUID()}`, quantity: 1 + (i % 3 === 0 ? 1 : 0) }))
    const send = async (server: ServerProcess, a: Attempt) => {
      const res = await fetch(`${server.url}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${users[a.user].accessToken}`, 'content-type': 'application/json', 'idempotency-key': a.key },
        body: JSON.stringify({ dropId: drop.id, quantity: a.quantity }),
      })
      return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' }
    }
    const t0 = performance.now()
    const answers = await Promise.all(attempts.map(async (a, i) => {
      const first = send(servers[i % 3], a)
      // One in ten keys is also sent to the next instance at the same moment (a retry racing its original).
      const twin = i % 10 === 0 ? send(servers[(i + 1) % 3], a) : null
      return { a, first: await first, twin: twin && (await twin) }
    }))
    const ms = performance.now() - t0
    const bodies = new Map<string, Set<string>>()
    let confirmedUnits = 0
    for (const { a, first, twin } of answers) {
      for (const r of [first, twin]) {
        if (!r) continue
        expect([201, 409], `${r.status} ${r.text}`).toContain(r.status)
        const body = JSON.parse(r.text)
        if (r.status === 409) expect(['SOLD_OUT', 'PURCHASE_LIMIT_EXCEEDED', 'IDEMPOTENCY_KEY_IN_USE']).toContain(body.code)
      }
      const answered = [first, twin].filter((r) => r && !r.text.includes('IDEMPOTENCY_KEY_IN_USE')) as Array<{ text: string }>
      bodies.set(a.key, new Set(answered.map((r) => r.text)))
      if (first.status === 201) confirmedUnits += a.quantity
    }
    // Both sends of a key got the same stored answer (or one was told to retry): never two orders for one key.
    for (const [key, texts] of bodies) expect(texts.size, key).toBeLessThanOrEqual(1)
    const [{ orders, keys }] = await ctx.deps.sql`
      select count(*)::int as orders, count(distinct k.key)::int as keys
      from orders o join idempotency_keys k on k.response_body like '%' || o.id::text || '%' and k.user_id = o.user_id
      where o.drop_id = ${drop.id}`
    expect(orders).toBe(keys)
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit).toMatchObject({ availableStock: 0, confirmedQuantity: 300, invariantHolds: true })
    expect(confirmedUnits).toBe(300)
    const [{ over }] = await ctx.deps.sql`select count(*)::int as over from drop_purchases where drop_id = ${drop.id} and quantity > 5`
    expect(over).toBe(0)
    const [{ txs }] = await ctx.deps.sql`select count(distinct xmin::text)::int as txs from orders where drop_id = ${drop.id}`
    console.error(`[orders/multi-instance] ${attempts.length + attempts.length / 10} requests in ${ms.toFixed(0)} ms; ${orders} orders in ${txs} commits`)
  })
})
