// `livedrop products list` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('products list', () => {
  test('--mine: a table on a terminal, the API objects with --json', async () => {
    const m = await api.withProduct()
    const list = await m.run(['products', 'list', '--mine'], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(list.stdout).toMatch(/^ID\s+TITLE\s+PRICE\s+CREATED$/m)
    expect(list.stdout).toMatch(new RegExp(`^${m.productId}\\s+Drop item\\s+25\\.00 EUR`, 'm'))
    const listJson = await m.run(['products', 'list', '--mine', '--json'])
    expect(listJson.json().map((p: { id: string }) => p.id)).toEqual([m.productId])
  })
})
