// `livedrop products get` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('products get', () => {
  test('--json is the API object; an unknown product is exit 5 (NOT_FOUND)', async () => {
    const m = await api.withProduct()
    const got = await m.run(['products', 'get', m.productId, '--json'])
    expect(got.json()).toMatchObject({ id: m.productId, priceCents: 2500, currency: 'EUR' })
    const human = await m.run(['products', 'get', m.productId])
    expect(human.stdout).toContain(`id        ${m.productId}`)
    const missing = await m.run(['products', 'get', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b'])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/\(NOT_FOUND\)/)
  })
})
