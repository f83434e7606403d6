// The drops verbs against the in-process server (cli/test/in-process.ts); outcomes on stdout/stderr/exit code and rows.
import { describe, expect, test } from 'bun:test'
import { runCli } from '../../../test/harness'
import { API, useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops cancel', () => {
  test('cancel on a terminal asks first; "n" keeps the drop', async () => {
    const m = await api.withProduct()
    const dropId = (await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '10'])).stdout.trim()
    const no = await m.run(['drops', 'cancel', dropId], { stdin: 'n\n' })
    expect(no.code).toBe(2) // without a terminal and without --yes: refused before asking
    const asked = await runCli(['drops', 'cancel', dropId], { fetch: api.fetch, stdinTTY: true, stdin: 'n\n', env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(asked.stderr).toContain(`Cancel drop ${dropId}?`)
    expect(asked.code).toBe(1)
    expect((await api.ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('scheduled')
    const yes = await runCli(['drops', 'cancel', dropId], { fetch: api.fetch, stdinTTY: true, stdin: 'y\n', env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(yes.code).toBe(0)
    expect((await api.ctx.deps.sql`select status from drops where id = ${dropId}`)[0].status).toBe('cancelled')
  })
})
