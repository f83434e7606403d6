import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { allocate, keyId, type BatchRequest, type DropState, type ExistingKey } from './allocate'

const live = (availableStock: number, over: Partial<DropState> = {}): DropState => ({
  status: 'live', ended: false, availableStock, perUserLimit: null, lowStockThreshold: null, ...over,
})
const req = (userId: string, quantity: number, key: string = crypto.randomUUID(), fingerprint = `fp-${quantity}`): BatchRequest => ({ userId, key, quantity, fingerprint })
const kinds = (ds: ReturnType<typeof allocate>) => ds.map((d) => (d.kind === 'refused' ? d.code : d.kind))

describe('allocate: a batch answers what serial placement would', () => {
  test('greedy in arrival order: an order too big for what is left does not block a later one that fits', () => {
    const ds = allocate(live(3), [req('a', 2), req('b', 2), req('c', 1), req('d', 1)], new Map(), new Map())
    expect(kinds(ds)).toEqual(['confirmed', 'SOLD_OUT', 'confirmed', 'SOLD_OUT'])
    expect(ds[1]).toMatchObject({ availableStock: 1 })
    expect(ds[2]).toMatchObject({ availableAfter: 0, soldOut: true })
  })

  test('per-buyer limit counts holdings and what the batch already gave; stock is checked first', () => {
    const ds = allocate(live(10, { perUserLimit: 3 }), [req('a', 2), req('a', 2), req('a', 1), req('b', 3)], new Map(), new Map([['b', 1]]))
    expect(kinds(ds)).toEqual(['confirmed', 'PURCHASE_LIMIT_EXCEEDED', 'confirmed', 'PURCHASE_LIMIT_EXCEEDED'])
    const sold = allocate(live(1, { perUserLimit: 1 }), [req('a', 1), req('a', 1)], new Map(), new Map())
    expect(kinds(sold)).toEqual(['confirmed', 'SOLD_OUT'])
  })

  test('keys: replay, reused, in use, taken over after a dead lease, expired = never used', () => {
    const k = (over: Partial<ExistingKey>): ExistingKey => ({ fingerprint: 'fp-1', responseStatus: 201, responseBody: '{"id":1}', held: false, remainingSec: null, expired: false, ...over })
    const existing = new Map([
      [keyId('a', 'k1'), k({})],
      [keyId('b', 'k2'), k({})],
      [keyId('c', 'k3'), k({ responseStatus: null, responseBody: null, held: true, remainingSec: 7 })],
      [keyId('d', 'k4'), k({ responseStatus: null, responseBody: null, held: false })],
      [keyId('e', 'k5'), k({ fingerprint: 'other', expired: true })],
    ])
    const ds = allocate(live(5), [req('a', 1, 'k1'), req('b', 2, 'k2'), req('c', 1, 'k3'), req('d', 1, 'k4'), req('e', 1, 'k5')], existing, new Map())
    expect(kinds(ds)).toEqual(['replay', 'reused', 'in_use', 'confirmed', 'confirmed'])
    expect(ds[0]).toEqual({ kind: 'replay', status: 201, body: '{"id":1}' })
    expect(ds[2]).toEqual({ kind: 'in_use', retryAfterSec: 2 })
  })

  test('not found, not live, ended: nothing is confirmed', () => {
    expect(kinds(allocate(undefined, [req('a', 1)], new Map(), new Map()))).toEqual(['NOT_FOUND'])
    expect(kinds(allocate(live(5, { status: 'scheduled' }), [req('a', 1)], new Map(), new Map()))).toEqual(['DROP_NOT_LIVE'])
    expect(kinds(allocate(live(5, { ended: true }), [req('a', 1)], new Map(), new Map()))).toEqual(['DROP_NOT_LIVE'])
  })

  test('low stock fires once, at the order that crosses the threshold, never together with sold out', () => {
    const ds = allocate(live(6, { lowStockThreshold: 3 }), [req('a', 2), req('b', 2), req('c', 1), req('d', 1)], new Map(), new Map())
    expect(ds.map((d) => d.kind === 'confirmed' && d.lowStockCrossed)).toEqual([false, true, false, false])
    const straight = allocate(live(3, { lowStockThreshold: 2 }), [req('a', 3)], new Map(), new Map())
    expect(straight[0]).toMatchObject({ lowStockCrossed: false, soldOut: true })
  })

  test('property: equal to placing the requests one at a time', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 4 })), { maxLength: 30 }),
      (stock, limit, rs) => {
        const batch = allocate(live(stock, { perUserLimit: limit }), rs.map(([u, q]) => req(u, q)), new Map(), new Map())
        let left = stock
        const held = new Map<string, number>()
        rs.forEach(([u, q], i) => {
          const one = allocate(live(left, { perUserLimit: limit }), [req(u, q)], new Map(), held)[0]
          expect(kinds([batch[i]])).toEqual(kinds([one]))
          if (one.kind === 'confirmed') {
            left -= q
            held.set(u, (held.get(u) ?? 0) + q)
          }
        })
        expect(left).toBeGreaterThanOrEqual(0)
      },
    ), { numRuns: 300 })
  })
})
