import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth'
import { startServer, type ServerProcess } from '../../test/processes'

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('JSON nesting depth', () => {
  test('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false)
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true)
    expect(exceedsJsonDepth('{"a":{"b":[{"c":1}]}}', 3)).toBe(true)
    expect(exceedsJsonDepth('{"a":{"b":[{"c":1}]}}', 4)).toBe(false)
    expect(exceedsJsonDepth(JSON.stringify({ title: '[[[[[[[[[[', d: '{{{{\\"[[[[' }), 1)).toBe(false)
    expect(exceedsJsonDepth(JSON.stringify({ a: 'x\\"' }) + '[[', 1)).toBe(true)
  })
})

// A real server over real sockets: the attack is an anonymous POST, and what it must not do is stall the
// event loop that every other request of the instance shares.
describe('a flood of deeply nested bodies', () => {
  const PORT = 3531
  let server: ServerProcess
  beforeAll(async () => {
    server = await startServer(PORT)
  })
  afterAll(() => server?.stop())

  const deep = (depth: number) =>
    fetch(`${server.url}/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested(depth) })

  test('depth 32,000 (64 KB) to an anonymous route → 400 JSON_TOO_DEEP problem at once', async () => {
    const t0 = performance.now()
    const res = await deep(32_000)
    const ms = performance.now() - t0
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toStartWith('application/problem+json')
    expect((await res.json()).code).toBe('JSON_TOO_DEEP')
    expect(ms).toBeLessThan(1000)
    // Depth at the limit is still parsed (and then refused by the schema, as any wrong shape is).
    const atLimit = await deep(MAX_JSON_DEPTH)
    expect(atLimit.status).toBe(422)
  })

  test("other requests' p99 under a flood of 20,000-deep bodies stays that of a flood of flat bodies of the same size", async () => {
    const flat = JSON.stringify({ refreshToken: 'x'.repeat(40_000) })
    const send = (body: string) => fetch(`${server.url}/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    /** p99 of sequential /healthz probes while 20 attackers keep sending `body`. */
    async function probeP99(body: string, ms: number) {
      let stop = false
      let sent = 0
      const attackers = Array.from({ length: 20 }, async () => {
        while (!stop) {
          const res = await send(body)
          expect(res.status).toBeLessThan(500)
          await res.arrayBuffer()
          sent++
        }
      })
      const lat: number[] = []
      const end = performance.now() + ms
      while (performance.now() < end) {
        const t0 = performance.now()
        await (await fetch(`${server.url}/healthz`)).arrayBuffer()
        lat.push(performance.now() - t0)
      }
      stop = true
      await Promise.all(attackers)
      lat.sort((a, b) => a - b)
      return { p99: lat[Math.ceil(lat.length * 0.99) - 1], sent }
    }
    const benign = await probeP99(flat, 1500)
    const attack = await probeP99(nested(20_000), 1500)
    console.error(`[json-depth] probe p99 ${benign.p99.toFixed(1)} ms under ${benign.sent} flat bodies, ${attack.p99.toFixed(1)} ms under ${attack.sent} deep ones`)
    expect(attack.sent).toBeGreaterThan(100)
    // Before the guard one such body blocked the instance for ~9 s; now it costs what any refused body costs.
    expect(attack.p99).toBeLessThan(benign.p99 * 2 + 20)
  })
})
