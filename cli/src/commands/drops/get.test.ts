// `livedrop drops get` against the in-process server (cli/test/in-process.ts).
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops get', () => {
  test('a person reads the status and the stock; --json is the API object; anybody may read; unknown → exit 5', async () => {
    const m = await api.withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10'])).stdout.trim()
    const got = await m.run(['drops', 'get', dropId])
    expect(got.code).toBe(0)
    expect(got.stdout).toContain(`Drop ${dropId}  scheduled`)
    expect(got.stdout).toContain('10 of 10 left')
    const json = await api.machine().run(['drops', 'get', dropId, '--json'])
    expect(json.json()).toMatchObject({ id: dropId, productId: m.productId, status: 'scheduled', initialStock: 10, availableStock: 10 })
    const missing = await m.run(['drops', 'get', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b'])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toContain('(NOT_FOUND)')
    const bad = await m.run(['drops', 'get', 'not-an-id'])
    expect(bad.code).toBe(2)
  })
})
