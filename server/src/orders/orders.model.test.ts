import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { auditOf, createTestContext, liveDrop, registerUser, testConfig } from '../../test/helpers'

/**
 * Model-based test: random sequences of orders, retries (same key, same or other body) and cancellations run
 * against the real server and an in-memory model of what LiveDrop promises; after every step the drop's stock
 * and the audit must agree with the model.
 */
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, orders: { points: 100_000, windowSec: 10 } } })
afterAll(() => ctx.close())

const LIMIT = 3
type Buyer = { token: string; id: string }
let buyers: Buyer[] = []
beforeAll(async () => {
  buyers = (await Promise.all([0, 1, 2].map(() => registerUser(ctx.api)))).map((u) => ({ token: u.accessToken, id: u.user.id }))
})

interface Model {
  stock: number
  held: number[]
  keys: Map<string, { quantity: number; status: number; text: string }>
  orders: Array<{ id: string; buyer: number; quantity: number; cancelled: boolean }>
}
interface Real {
  dropId: string
  ownerToken: string
}

class PlaceOrder implements fc.AsyncCommand<Model, Real> {
  constructor(readonly buyer: number, readonly quantity: number, readonly key: number) {}
  check = () => true
  async run(m: Model, r: Real) {
    const keyName = `k${this.key}`
    const keyId = `${this.buyer}:${keyName}`
    const res = await ctx.api('POST', '/v1/orders', {
      token: buyers[this.buyer].token,
      body: { dropId: r.dropId, quantity: this.quantity },
      headers: { 'idempotency-key': `${r.dropId}:${keyName}` },
    })
    const seen = m.keys.get(keyId)
    if (seen) {
      if (seen.quantity === this.quantity) {
        expect(res.status).toBe(seen.status)
        expect(res.text).toBe(seen.text)
        expect(res.headers.get('idempotent-replayed')).toBe('true')
      } else {
        expect(res.status).toBe(422)
        expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED')
      }
      return
    }
    if (m.stock < this.quantity) {
      expect(res.body.code).toBe('SOLD_OUT')
    } else if (m.held[this.buyer] + this.quantity > LIMIT) {
      expect(res.body.code).toBe('PURCHASE_LIMIT_EXCEEDED')
    } else {
      expect(res.status).toBe(201)
      m.stock -= this.quantity
      m.held[this.buyer] += this.quantity
      m.orders.push({ id: res.body.id, buyer: this.buyer, quantity: this.quantity, cancelled: false })
    }
    m.keys.set(keyId, { quantity: this.quantity, status: res.status, text: res.text })
  }
  toString = () => `order(buyer ${this.buyer}, qty ${this.quantity}, key ${this.key})`
}

class CancelOrder implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.orders.length > 0
  async run(m: Model) {
    const o = m.orders[this.pick % m.orders.length]
    const res = await ctx.api('POST', `/v1/orders/${o.id}/cancel`, { token: buyers[o.buyer].token })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('cancelled')
    if (!o.cancelled) {
      o.cancelled = true
      m.stock += o.quantity
      m.held[o.buyer] -= o.quantity
    }
  }
  toString = () => `cancel(#${this.pick})`
}

describe('orders against a model', () => {
  test('random order / retry / cancel sequences keep stock, limits and replays as promised', async () => {
    const commands = [
      fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 3 }), fc.nat(5)).map(([b, q, k]) => new PlaceOrder(b, q, k)),
      fc.nat(20).map((p) => new CancelOrder(p)),
    ]
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const { drop, owner } = await liveDrop(ctx, { initialStock: 8, perUserLimit: LIMIT })
        const model: Model = { stock: 8, held: [0, 0, 0], keys: new Map(), orders: [] }
        const real: Real = { dropId: drop.id, ownerToken: owner.accessToken }
        await fc.asyncModelRun(() => ({ model, real }), cmds)
        const audit = await auditOf(ctx, drop.id, owner.accessToken)
        expect(audit.availableStock).toBe(model.stock)
        expect(audit.confirmedQuantity).toBe(model.held.reduce((a, b) => a + b, 0))
        expect(audit.invariantHolds).toBe(true)
      }),
      { numRuns: 12 },
    )
  }, 120_000)
})
