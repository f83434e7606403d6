// drops watch on a queued drop: the owner sees the line's figures (waiting, admitted/s, bought, expired) beside
// the stream's events; anybody else is told the figures are the owner's. Real server in process.
import { describe, expect, test } from 'bun:test'
import { registerUser } from '../../../../server/test/helpers'
import { startCli, waitFor } from '../../../test/harness'
import { API, useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops watch on a queued drop', () => {
  test('--json: queue.stats lines with the line as the server counts it; a stranger gets no figures', async () => {
    await api.ctx.deps.live.start() // the drop stream's events (drop.cancelled ends the stranger's watch)
    const m = await api.withProduct()
    const made = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10', '--queue', '--admit-per-second', '1', '--json'])
    expect(made.code).toBe(0)
    const dropId = made.json().id as string
    const { ctx } = api
    await ctx.deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${dropId}`
    await ctx.deps.scheduler.tick()
    const buyers = await Promise.all(Array.from({ length: 3 }, () => registerUser(ctx.api)))
    for (const b of buyers) expect((await ctx.api('POST', `/v1/drops/${dropId}/queue`, { token: b.accessToken })).status).toBe(200)
    await ctx.deps.queue.tick() // one admitted (1/s), two waiting

    const interrupt = new AbortController()
    const w = startCli(['drops', 'watch', dropId, '--json'], { fetch: api.fetch, env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API }, signal: interrupt.signal })
    const lines = () => w.stdout.text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    const stats = await waitFor(() => lines().find((e) => e.type === 'queue.stats'), 'a queue.stats line', 10_000, () => w.stdout.text + w.stderr.text)
    expect(stats).toMatchObject({ id: null, dropId, data: { dropId, waiting: 2, admitted: 1, bought: 0, expired: 0, admitPerSecond: 1 } })
    expect(stats.data.admissionRate).toBeCloseTo(0.1, 5)
    interrupt.abort()
    expect(await w.done).toBe(130)

    // Somebody else watching the same drop: the events, and no figures.
    const stranger = api.machine()
    const s = startCli(['drops', 'watch', dropId, '--json'], { fetch: api.fetch, env: { XDG_CONFIG_HOME: stranger.home, LIVEDROP_API_URL: API } })
    await waitFor(() => s.stdout.text.includes('"state"'), 'the state event')
    await Bun.sleep(1500)
    const cancel = await m.run(['drops', 'cancel', dropId, '--yes'])
    expect(cancel.code).toBe(0)
    expect(await s.done).toBe(0)
    expect(s.stdout.text).not.toContain('queue.stats')
  })
})
