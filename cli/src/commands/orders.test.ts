// `livedrop orders list` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { registerUser, liveDrop, unique } from '../../../server/test/helpers'
import { useInProcessApi } from '../../test/in-process'

const api = useInProcessApi()
const { machine } = api

describe('orders', () => {
  test('orders list shows the buyer\'s orders; --drop filters', async () => {
    const { drop } = await liveDrop(api.ctx, { initialStock: 10 })
    const { drop: other } = await liveDrop(api.ctx, { initialStock: 10 })
    const m = machine()
    const buyer = await registerUser(api.ctx.api)
    for (const [dropId, quantity] of [[drop.id, 2], [other.id, 1]] as const) {
      const res = await api.ctx.api('POST', '/v1/orders', { token: buyer.accessToken, headers: { 'idempotency-key': unique('k') }, body: { dropId, quantity } })
      expect(res.status).toBe(201)
    }
    await m.run(['login', '--email', buyer.email, '--password-stdin'], { stdin: buyer.password })
    const all = await m.run(['orders', 'list', '--json'])
    expect(all.json().map((o: { dropId: string }) => o.dropId).sort()).toEqual([drop.id, other.id].sort())
    const one = await m.run(['orders', 'list', '--drop', drop.id], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(one.stdout).toMatch(new RegExp(`${drop.id}\\s+2\\s+30\\.00 EUR\\s+confirmed`))
    expect(one.stdout).not.toContain(other.id)
  })
})
