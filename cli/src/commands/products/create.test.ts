// `livedrop products create` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { registerUser } from '../../../../server/test/helpers'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()
const { machine, creatorMachine } = api

describe('products create', () => {
  test('prints the id (for scripts) and stores the product as given', async () => {
    const m = await creatorMachine()
    const created = await m.run(['products', 'create', '--title', 'Tour hoodie', '--price', '49.90', '--currency', 'EUR', '--description', 'Black'])
    expect(created.code).toBe(0)
    const productId = created.stdout.trim()
    const [row] = await api.ctx.deps.sql`select title, price_cents, currency, creator_id, description from products where id = ${productId}`
    expect(row).toEqual({ title: 'Tour hoodie', priceCents: 4990, currency: 'EUR', creatorId: m.creatorId, description: 'Black' })
    expect(created.stderr).toContain('Created product "Tour hoodie" at 49.90 EUR')
  })

  test('an amount with more decimals than the currency has is a usage error, nothing sent', async () => {
    const m = await creatorMachine()
    const r = await m.run(['products', 'create', '--title', 'Yen thing', '--price', '10.5', '--currency', 'JPY'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--price: JPY has 0 decimals')
    expect((await api.ctx.deps.sql`select count(*)::int as n from products where creator_id = ${m.creatorId}`)[0].n).toBe(0)
  })

  test('products create before creators create → NOT_A_CREATOR, exit 1', async () => {
    const m = machine()
    const u = await registerUser(api.ctx.api)
    await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: u.password })
    const r = await m.run(['products', 'create', '--title', 'x', '--price-cents', '1', '--currency', 'EUR'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(NOT_A_CREATOR\)/)
  })
})
