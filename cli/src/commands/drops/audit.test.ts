// `livedrop drops audit` against the in-process server (cli/test/in-process.ts).
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops audit', () => {
  test("the owner sees the ledger and the invariant; anybody else's audit does not exist (exit 5)", async () => {
    const m = await api.withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '12'])).stdout.trim()
    const audit = await m.run(['drops', 'audit', dropId, '--json'])
    expect(audit.code).toBe(0)
    expect(audit.json()).toMatchObject({ dropId, initialStock: 12, availableStock: 12, confirmedQuantity: 0, ledgerSum: 12, invariantHolds: true })
    const human = await m.run(['drops', 'audit', dropId])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`Audit of drop ${dropId}: OK`)
    expect(human.stdout).toMatch(/ledger sum +12/)
    const other = await api.creatorMachine()
    const refused = await other.run(['drops', 'audit', dropId])
    expect(refused.code).toBe(5)
    expect(refused.stderr).toContain('(NOT_FOUND)')
  })
})
