// The drops verbs against the in-process server (cli/test/in-process.ts); outcomes on stdout/stderr/exit code and rows.
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops update', () => {
  test('get, update, cancel, audit; conflicts exit 6', async () => {
    const m = await api.withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10'])).stdout.trim()
    const got = await m.run(['drops', 'get', dropId])
    expect(got.stdout).toContain(`Drop ${dropId}  scheduled`)
    expect(got.stdout).toContain('10 of 10 left')

    const upd = await m.run(['drops', 'update', dropId, '--stock', '20', '--at', 'in 3h', '--per-user-limit', '3', '--json'])
    expect(upd.code).toBe(0)
    expect(upd.json()).toMatchObject({ initialStock: 20, availableStock: 20, perUserLimit: 3 })
    const cleared = await m.run(['drops', 'update', dropId, '--per-user-limit', 'none', '--json'])
    expect(cleared.json().perUserLimit).toBeNull()

    const cancel = await m.run(['drops', 'cancel', dropId, '--yes'])
    expect(cancel.code).toBe(0)
    expect(cancel.stderr).toContain(`Drop ${dropId} is cancelled`)
    expect((await api.ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('cancelled')

    const late = await m.run(['drops', 'update', dropId, '--stock', '5'])
    expect(late.code).toBe(6)
    expect(late.stderr).toMatch(/^error: .*scheduled.* \(DROP_NOT_SCHEDULED\)$/m)
    const lateJson = await m.run(['drops', 'update', dropId, '--stock', '5', '--json'])
    expect(lateJson.code).toBe(6)
    expect(JSON.parse(lateJson.stderr)).toMatchObject({ error: { code: 'DROP_NOT_SCHEDULED', status: 409, exitCode: 6 } })
    expect(lateJson.stdout).toBe('')

    const audit = await m.run(['drops', 'audit', dropId, '--json'])
    expect(audit.code).toBe(0)
    expect(audit.json()).toMatchObject({ dropId, initialStock: 20, availableStock: 20, invariantHolds: true })
  })
})
