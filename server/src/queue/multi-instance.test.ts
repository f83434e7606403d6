import { afterAll, expect, test } from 'bun:test'
import { createTestContext, describeWithRedis, registerCreator, registerUser, testRedisPrefix } from '../../test/helpers'
import { startServer, type ServerProcess } from '../../test/processes'

/**
 * Two real server processes sharing one line in Redis: each runs the scheduler and the admitter, and together
 * they admit no faster than the drop's rate; killing one while buyers wait costs nobody their place.
 */
const ctx = createTestContext()
const servers: ServerProcess[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')))
  await ctx.close()
})

const RATE = 4

describeWithRedis('two instances, one waiting room', () => {
  test(`admissions over both instances keep to ${RATE}/s; a killed and restarted instance loses nobody's place`, async () => {
    servers.push(...(await Promise.all([3570, 3571].map((p) => startServer(p)))))
    const [a, b] = servers
    // Accounts first (password hashing is slow on a shared machine), then a drop that starts 3 s later.
    const users = await Promise.all(Array.from({ length: 30 }, () => registerUser(ctx.api)))
    const owner = await registerCreator(ctx.api)
    const product = await ctx.api('POST', '/v1/products', { token: owner.accessToken, body: { title: 'Hot', priceCents: 100, currency: 'EUR' } })
    const drop = (await ctx.api('POST', '/v1/drops', {
      token: owner.accessToken,
      body: {
        productId: product.body.id, startsAt: new Date(Date.now() + 3000).toISOString(), initialStock: 1000,
        access: { mode: 'queue', admitPerSecond: RATE, preQueueSeconds: 600, admissionTtlSeconds: 600 },
      },
    })).body
    const call = async (server: ServerProcess, method: string, token: string) => {
      let res = await fetch(`${server.url}/v1/drops/${drop.id}/queue`, { method, headers: { authorization: `Bearer ${token}` } })
      // A 503 (a dependency slow on a loaded machine, e.g. right after the restart) is retried, as clients do.
      for (let i = 0; i < 5 && res.status === 503; i++) {
        await Bun.sleep(500)
        res = await fetch(`${server.url}/v1/drops/${drop.id}/queue`, { method, headers: { authorization: `Bearer ${token}` } })
      }
      const body = await res.json()
      if (res.status !== 200) throw new Error(`${method} queue via ${server.port}: ${res.status} ${JSON.stringify(body)}`)
      return body as any
    }
    // Half join through each instance, in the pre-queue.
    const joined = await Promise.all(users.map((u, i) => call(servers[i % 2], 'POST', u.accessToken)))
    expect(joined.every((p) => p.status === 'pre_queue')).toBe(true)

    // Live at startsAt (either scheduler), sealed and admitted by both admitters.
    await Bun.sleep(Date.parse(drop.startsAt) - Date.now() + 3500)
    const places = await Promise.all(users.map((u) => call(a, 'GET', u.accessToken)))
    const redis = ctx.deps.backplane.client!
    // The line's admission log: buyer → when admitted (Redis's clock), read after the places.
    const log = await redis.zrangebyscore(`${testRedisPrefix()}queue:{${drop.id}}:log`, '-inf', '+inf', 'WITHSCORES')
    const logged = new Set(log.filter((_, i) => i % 2 === 0))
    const times = log.filter((_, i) => i % 2 === 1).map(Number).sort((x, y) => x - y)
    places.forEach((p, i) => {
      if (p.status === 'admitted') expect(logged.has(users[i].user.id)).toBe(true)
    })
    // Shared token bucket: burst ≤ max(1, rate/2), then `rate` a second, whichever instance asks.
    const burst = Math.max(1, RATE / 2)
    for (let i = 0; i < times.length; i++) {
      const inSecond = times.filter((t) => t >= times[i] && t < times[i] + 1000).length
      expect(inSecond).toBeLessThanOrEqual(RATE + burst)
    }
    const spanSec = (times.at(-1)! - times[0]) / 1000
    expect(times.length).toBeLessThanOrEqual(1 + burst + RATE * spanSec)
    expect(times.length).toBeGreaterThanOrEqual(RATE * 2) // both kept admitting for the ~3 s since the start
    // Kill one instance outright while buyers wait: the other still has every place, none moved back.
    await a.kill('SIGKILL')
    const viaB = await Promise.all(users.map((u) => call(b, 'GET', u.accessToken)))
    viaB.forEach((p, i) => {
      expect(['waiting', 'admitted']).toContain(p.status)
      if (p.status === 'waiting') expect(p.position).toBeLessThanOrEqual(places[i].position)
      if (places[i].status === 'admitted') expect(p.status).toBe('admitted')
    })
    // And the restarted instance finds them all again.
    servers[0] = await startServer(3570)
    const viaRestarted = await Promise.all(users.map((u) => call(servers[0], 'GET', u.accessToken)))
    viaRestarted.forEach((p, i) => {
      expect(['waiting', 'admitted']).toContain(p.status)
      if (p.status === 'waiting') expect(p.position).toBeLessThanOrEqual(viaB[i].position)
    })
  })
})
