import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createSql } from '../db'
import { createLogger } from '../logger'
import { createTestContext, liveDrop, registerCreator, testConfig } from '../../test/helpers'
import { openStream, untilNumbered } from '../../test/sse'
import { createMemoryPubSub } from '../lib/pubsub'
import { appendEvent } from '../platform/outbox'
import { createRelay } from './relay'
import * as repo from './repo'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { api, deps } = ctx
const extra: Array<() => Promise<unknown>> = []
beforeAll(() => deps.live.start())
afterAll(async () => {
  for (const f of extra.reverse()) await f()
  await ctx.close()
})

const open = (path: string, headers: Record<string, string> = {}) => openStream(ctx, path, headers)

const numbered = () => untilNumbered(deps)

describe('outbox retention', () => {
  test('pruning cuts a prefix of seq: a late commit (old created_at, new seq) is kept, and a resuming client misses nothing', async () => {
    const { drop } = await liveDrop(ctx, { initialStock: 10 })
    const mark = async (marker: string) => {
      await deps.sql.begin((tx) => appendEvent(tx, { type: 'drop.low_stock', dropId: drop.id, data: { availableStock: 3, lowStockThreshold: 4, marker } }))
      await numbered()
      const [row] = await deps.sql<{ seq: number }[]>`select seq::float8 as seq from outbox where data->>'marker' = ${marker}`
      return row.seq
    }
    const e1 = await mark('e1')
    const e2 = await mark('e2')
    const e3 = await mark('e3')
    // e2's transaction started two hours ago and committed late; everything before e1 is old too.
    await deps.sql`update outbox set created_at = now() - interval '2 hours' where seq < ${e1} or seq = ${e2}`
    // Every consumer (notifier, webhook fan-out) past e3, by this tick or a background one, so the cut is the window's alone.
    for (;;) {
      await deps.live.notifierTick()
      await deps.webhookWorker.fanOutTick()
      const [{ seq }] = await deps.sql<{ seq: number }[]>`select min(seq)::float8 as seq from outbox_cursors`
      if (seq >= e3) break
      await Bun.sleep(20)
    }
    await repo.prune(deps.sql, 3600)

    const kept = await deps.sql<{ seq: number }[]>`select seq::float8 as seq from outbox where seq >= ${e1 - 1} order by seq`
    expect(kept.map((r) => r.seq).slice(0, 3)).toEqual([e1, e2, e3])
    expect(await repo.oldestSeq(deps.sql)).toBe(e1)
    // A client that saw everything up to e1 - 1 resumes: e1, e2, e3, in order, none missing.
    const resumed = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': String(e1 - 1) })
    const got = await resumed.collect((e) => e.data.data?.marker === 'e3')
    expect(got.map((e) => e.data.data.marker)).toEqual(['e1', 'e2', 'e3'])
    await resumed.close()
    // One that is further behind than what is kept starts over.
    const behind = await open(`/v1/drops/${drop.id}/events`, { 'last-event-id': String(e1 - 2) })
    expect((await behind.next()).event).toBe('reset')
    await behind.close()
  })
})

describe('relay under a long-held snapshot', () => {
  test('an open REPEATABLE READ snapshot does not make the pending check walk the rows numbered since; drop.live still arrives < 2 s', async () => {
    // A session that opened a snapshot and sits on it (a report, a psql prompt): read-only, like those.
    const holder = createSql(testConfig().databaseUrl, { dbPoolMax: 1, dbStatementTimeoutMs: 120_000 })
    extra.push(() => holder.end({ timeout: 2 }))
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let snapshotTaken!: () => void
    const taken = new Promise<void>((r) => (snapshotTaken = r))
    const held = holder.begin('isolation level repeatable read', async (tx) => {
      await tx`select count(*) from outbox`
      snapshotTaken()
      await released
    })
    extra.push(async () => {
      release()
      await held
    })
    await taken

    // A relay of its own on a single connection, so the table statistics below count its reads only.
    const relaySql = createSql(testConfig().databaseUrl, { dbPoolMax: 1, dbStatementTimeoutMs: 5000 })
    extra.push(() => relaySql.end({ timeout: 2 }))
    const relay = createRelay({ sql: relaySql, pubsub: createMemoryPubSub(createLogger({ logLevel: 'silent' })), channel: 'outbox-test', log: createLogger({ logLevel: 'silent' }) })

    // 20,000 events written and numbered while the snapshot is open: each numbering leaves a dead version.
    const { drop } = await liveDrop(ctx, { initialStock: 10 })
    for (let i = 0; i < 4; i++) {
      await deps.sql`insert into outbox (type, drop_id, data) select 'drop.low_stock', ${drop.id}, '{"availableStock": 3}' from generate_series(1, 5000)`
      while ((await relay.tick()) > 0);
    }
    await numbered()
    for (let i = 0; i < 3; i++) await relay.tick()

    const reads = async () => {
      await relaySql`select pg_stat_force_next_flush()`
      await relaySql`select 1`
      await Bun.sleep(100)
      const [r] = await deps.sql<{ n: number }[]>`
        select (coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) + coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0))::float8 as n
        from pg_statio_user_tables where relname = 'outbox'`
      return r.n
    }
    // The statistics count every reader of the table: the notifier and the webhook fan-out are still consuming
    // the 20,000 events just written. Measure again (up to 5 windows) until they are done, and keep the lowest.
    const probes = 20
    let perProbe = Infinity
    for (let attempt = 0; attempt < 5 && perProbe >= 50; attempt++) {
      if (attempt) await Bun.sleep(500)
      const before = await reads()
      for (let i = 0; i < probes; i++) expect(await relay.tick()).toBe(0)
      perProbe = Math.min(perProbe, ((await reads()) - before) / probes)
    }
    console.error(`[outbox] pending check with a snapshot open over 20,000 numbered events: ${perProbe.toFixed(1)} buffers per check`)
    // Walking the dead entries costs thousands of buffers a check; the search from the snapshot's xmin, a handful.
    expect(perProbe).toBeLessThan(50)

    // And the live path works as ever with the snapshot still open.
    const owner = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Snapshot', priceCents: 100, currency: 'EUR' } })
    const next = await api('POST', '/v1/drops', { token: owner.accessToken, body: { productId: product.body.id, startsAt: new Date(Date.now() + 60_000).toISOString(), initialStock: 5 } })
    const s = await open(`/v1/drops/${next.body.id}/events`)
    expect((await s.next()).event).toBe('state')
    await deps.sql`update drops set starts_at = now() where id = ${next.body.id}`
    await deps.scheduler.tick()
    const live = await s.next(2000)
    expect(live.event).toBe('drop.live')
    const [{ at }] = await deps.sql<{ at: Date }[]>`select at from drop_transitions where drop_id = ${next.body.id} and to_status = 'live'`
    const ms = Date.now() - at.getTime()
    console.error(`[outbox] drop.live reached the stream ${ms} ms after the transition, snapshot still open`)
    expect(ms).toBeLessThan(2000)
    await s.close()
    release()
    await held
  }, 60_000)
})
