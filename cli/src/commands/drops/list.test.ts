// The drops verbs against the in-process server (cli/test/in-process.ts); outcomes on stdout/stderr/exit code and rows.
import { describe, expect, test } from 'bun:test'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops list', () => {
  test('list: a table on a terminal (product, status, starts in/at, stock left), JSON with --json', async () => {
    const m = await api.withProduct()
    const a = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--stock', '100'])).stdout.trim()
    const b = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '30'])).stdout.trim()
    const table = await m.run(['drops', 'list', '--mine'], { stdoutTTY: true, env: { NO_COLOR: '1' } })
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+PRODUCT\s+STATUS\s+STARTS\s+AT\s+STOCK LEFT$/)
    expect(lines).toHaveLength(3)
    expect(table.stdout).not.toContain('\x1b[') // NO_COLOR
    // Newest first for a mixed list; both scheduled with their countdown and stock.
    const rowOf = (id: string) => lines.find((l) => l.startsWith(id))!
    expect(rowOf(a)).toMatch(/Drop item\s+scheduled\s+in (1h 59m|2h)( \d+s)?\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+100\/100$/)
    expect(rowOf(b)).toMatch(/Drop item\s+scheduled\s+in (59m|1h)( \d+s)?\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+30\/30$/)

    const coloured = await m.run(['drops', 'list', '--mine'], { stdoutTTY: true })
    expect(coloured.stdout).toContain('\x1b[36mscheduled\x1b[39m')
    expect((await m.run(['drops', 'list', '--mine', '--no-color'], { stdoutTTY: true })).stdout).not.toContain('\x1b[')

    const json = await m.run(['drops', 'list', '--mine', '--status', 'scheduled', '--json'])
    expect(json.json().map((d: { id: string }) => d.id)).toEqual([b, a]) // scheduled: soonest first
    const limited = await m.run(['drops', 'list', '--mine', '--limit', '1', '--json'])
    expect(limited.json()).toHaveLength(1)
  })
})
