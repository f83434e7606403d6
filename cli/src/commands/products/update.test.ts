// `livedrop products update` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('products update', () => {
  test('changes only the fields passed', async () => {
    const m = await api.withProduct()
    const upd = await m.run(['products', 'update', m.productId, '--price', '39', '--json'])
    expect(upd.code).toBe(0)
    expect(upd.json()).toMatchObject({ priceCents: 3900, title: 'Drop item' })
    expect((await api.ctx.deps.sql`select price_cents, title from products where id = ${m.productId}`)[0]).toEqual({ priceCents: 3900, title: 'Drop item' })
    const nothing = await m.run(['products', 'update', m.productId])
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('nothing to change')
  })

  test("someone else's product: 403 → exit 1, unchanged", async () => {
    const owner = await api.withProduct()
    const other = await api.creatorMachine()
    const r = await other.run(['products', 'update', owner.productId, '--title', 'Stolen'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(FORBIDDEN\)/)
    expect((await api.ctx.deps.sql`select title from products where id = ${owner.productId}`)[0].title).toBe('Drop item')
  })
})
