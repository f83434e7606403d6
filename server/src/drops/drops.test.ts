import { afterAll, describe, expect, test } from 'bun:test'
import { auditOf, createTestContext, liveDrop, registerCreator, registerUser } from '../../test/helpers'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()

async function creatorWithProduct() {
  const owner = await registerCreator(api)
  const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Sneaker', priceCents: 9900, currency: 'EUR' } })
  return { owner, product: product.body }
}

describe('scheduling drops', () => {
  test('the product creator schedules; price is fixed at scheduling; ledger starts with the initial stock', async () => {
    const { owner, product } = await creatorWithProduct()
    const res = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: inMs(3600_000), initialStock: 50, perUserLimit: 2, lowStockThreshold: 5 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ productId: product.id, creatorId: owner.creator.id, status: 'scheduled', initialStock: 50, availableStock: 50, perUserLimit: 2, lowStockThreshold: 5, endsAt: null })
    const [row] = await deps.sql`select unit_price_cents, currency from drops where id = ${res.body.id}`
    expect(row).toEqual({ unitPriceCents: 9900, currency: 'EUR' })
    const audit = await auditOf(ctx, res.body.id, owner.accessToken)
    expect(audit).toMatchObject({ initialStock: 50, availableStock: 50, sold: 0, ledgerSum: 50, invariantHolds: true })
  })

  test('someone else cannot schedule a drop of my product (403), a missing product is 404', async () => {
    const { product } = await creatorWithProduct()
    const other = await registerCreator(api)
    const res = await api('POST', '/v1/drops', { token: other.accessToken, body: { productId: product.id, startsAt: inMs(60_000), initialStock: 5 } })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('FORBIDDEN')
    const plain = await registerUser(api)
    expect((await api('POST', '/v1/drops', { token: plain.accessToken, body: { productId: product.id, startsAt: inMs(60_000), initialStock: 5 } })).status).toBe(403)
    const missing = await api('POST', '/v1/drops', { token: other.accessToken, body: { productId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', startsAt: inMs(60_000), initialStock: 5 } })
    expect(missing.status).toBe(404)
  })

  test('bad schedules → 422 naming the field, nothing written', async () => {
    const { owner, product } = await creatorWithProduct()
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ startsAt: new Date(Date.now() - 60_000).toISOString(), initialStock: 5 }, '/startsAt', 'STARTS_IN_PAST'],
      [{ startsAt: inMs(60_000), endsAt: inMs(30_000), initialStock: 5 }, '/endsAt', 'INVALID_SCHEDULE'],
      [{ startsAt: inMs(60_000), endsAt: inMs(60_000), initialStock: 5 }, '/endsAt', 'INVALID_SCHEDULE'],
      [{ startsAt: inMs(60_000), initialStock: 0 }, '/initialStock'],
      [{ startsAt: inMs(60_000), initialStock: -3 }, '/initialStock'],
      [{ startsAt: inMs(60_000), initialStock: 1.5 }, '/initialStock'],
      [{ startsAt: inMs(60_000), initialStock: 5, perUserLimit: 0 }, '/perUserLimit'],
      [{ startsAt: 'tomorrow', initialStock: 5 }, '/startsAt'],
      [{ startsAt: inMs(60_000), initialStock: 5, status: 'live' }, '/status'],
      [{ startsAt: inMs(60_000), initialStock: 5, availableStock: 1000 }, '/availableStock'],
      [{ startsAt: inMs(60_000), initialStock: 5, lowStockThreshold: 5 }, '/lowStockThreshold'],
    ]
    for (const [extra, field, code] of cases) {
      const res = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, ...extra } })
      expect(res.status).toBe(422)
      expect(res.body.errors.map((e: any) => e.field)).toContain(field)
      if (code) expect(res.body.code).toBe(code)
    }
    const [{ count }] = await deps.sql`select count(*)::int from drops where product_id = ${product.id}`
    expect(count).toBe(0)
  })

  test('patch only while scheduled, only by the owner; stock edits are ledger adjustments', async () => {
    const { owner, product } = await creatorWithProduct()
    const drop = (await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: inMs(60_000), initialStock: 10 } })).body
    const other = await registerCreator(api)
    expect((await api('PATCH', `/v1/drops/${drop.id}`, { token: other.accessToken, body: { initialStock: 99 } })).status).toBe(403)
    const patched = await api('PATCH', `/v1/drops/${drop.id}`, { token: owner.accessToken, body: { initialStock: 25, perUserLimit: 3, endsAt: inMs(7200_000) } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ initialStock: 25, availableStock: 25, perUserLimit: 3 })
    const audit = await auditOf(ctx, drop.id, owner.accessToken)
    expect(audit).toMatchObject({ initialStock: 25, availableStock: 25, adjusted: 15, ledgerSum: 25, invariantHolds: true })
    expect((await api('PATCH', `/v1/drops/${drop.id}`, { token: owner.accessToken, body: { status: 'live' } })).status).toBe(422)
    await deps.sql`update drops set starts_at = now() where id = ${drop.id}`
    await deps.scheduler.tick()
    const late = await api('PATCH', `/v1/drops/${drop.id}`, { token: owner.accessToken, body: { initialStock: 30 } })
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('DROP_NOT_SCHEDULED')
  })

  test('cancel: owner only, scheduled or live, idempotent; ended drops cannot be cancelled', async () => {
    const { owner, drop } = await liveDrop(ctx)
    const other = await registerCreator(api)
    expect((await api('POST', `/v1/drops/${drop.id}/cancel`, { token: other.accessToken })).status).toBe(403)
    const c1 = await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(c1.status).toBe(200)
    expect(c1.body.status).toBe('cancelled')
    const c2 = await api('POST', `/v1/drops/${drop.id}/cancel`, { token: owner.accessToken })
    expect(c2.status).toBe(200)
    const [{ count }] = await deps.sql`select count(*)::int from drop_transitions where drop_id = ${drop.id} and to_status = 'cancelled'`
    expect(count).toBe(1)
    const ended = await liveDrop(ctx)
    await deps.sql`update drops set status = 'ended' where id = ${ended.drop.id}`
    const c3 = await api('POST', `/v1/drops/${ended.drop.id}/cancel`, { token: ended.owner.accessToken })
    expect(c3.status).toBe(409)
    expect(c3.body.code).toBe('DROP_NOT_CANCELLABLE')
  })

  test('audit is owner-only (404 for anybody else)', async () => {
    const { drop } = await liveDrop(ctx)
    const other = await registerUser(api)
    expect((await api('GET', `/v1/drops/${drop.id}/audit`, { token: other.accessToken })).status).toBe(404)
  })

  test('lists: scheduled soonest first with keyset cursors; filters by status and creator', async () => {
    const { owner, product } = await creatorWithProduct()
    const offsets = [50_000, 10_000, 30_000, 20_000, 40_000]
    for (const ms of offsets) {
      await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: inMs(ms + 3600_000), initialStock: 1 } })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: any = await api('GET', `/v1/drops?status=scheduled&creatorId=${owner.creator.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.status).toBe(200)
      seen.push(...res.body.items.map((d: any) => d.startsAt))
      cursor = res.body.nextCursor
    } while (cursor)
    expect(seen.length).toBe(5)
    expect([...seen].sort()).toEqual(seen)
    const live = await api('GET', `/v1/drops?status=live&creatorId=${owner.creator.id}`)
    expect(live.body.items).toEqual([])
    expect((await api('GET', '/v1/drops?status=paused')).status).toBe(400)
    const wrongCursor = await api('GET', `/v1/drops?status=live&cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'])).toString('base64url')}`)
    expect(wrongCursor.status).toBe(400)
  })
})

describe('the scheduler', () => {
  test('a drop due while no scheduler ran goes live as soon as one starts; live → ended at endsAt', async () => {
    const { owner, product } = await creatorWithProduct()
    const drop = (await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.id, startsAt: inMs(60_000), endsAt: inMs(120_000), initialStock: 3 } })).body
    await deps.sql`update drops set starts_at = now() - interval '10 minutes', ends_at = now() + interval '800 milliseconds' where id = ${drop.id}`
    await deps.scheduler.tick()
    expect((await api('GET', `/v1/drops/${drop.id}`)).body.status).toBe('live')
    await Bun.sleep(900)
    await deps.scheduler.tick()
    expect((await api('GET', `/v1/drops/${drop.id}`)).body.status).toBe('ended')
    const transitions = await deps.sql`select from_status, to_status from drop_transitions where drop_id = ${drop.id} order by id`
    expect([...transitions]).toEqual([{ fromStatus: 'scheduled', toStatus: 'live' }, { fromStatus: 'live', toStatus: 'ended' }])
    const events = await deps.sql`select type from outbox where drop_id = ${drop.id} order by id`
    expect(events.map((e: any) => e.type)).toEqual(['drop.live', 'drop.ended'])
  })
})
