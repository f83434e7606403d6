import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, rmSync, statSync } from 'node:fs'
import { createTestContext } from '../../server/test/helpers'
import { createApi } from './api'
import { buyersFile, newRunId, registerUsers } from './seed'

// A real server on a real port, as a --target is.
const ctx = createTestContext()
let server: ReturnType<typeof Bun.serve>
let base = ''
beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => ctx.app.handle(req) })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  rmSync(buyersFile(base), { force: true })
  server?.stop(true)
  await ctx.close()
})

const count = async () => (await ctx.deps.sql`select count(*)::int as n from users`)[0]!.n as number

test('a repeat run against the same target reuses its buyers: no new accounts, tokens that work', async () => {
  const api = createApi(base)
  const first = await registerUsers(api, newRunId(), 6)
  expect(existsSync(buyersFile(base))).toBe(true)
  expect(statSync(buyersFile(base)).mode & 0o777).toBe(0o600)
  const before = await count()

  const again = await registerUsers(api, newRunId(), 6)
  expect(again.map((u) => u.id)).toEqual(first.map((u) => u.id))
  expect(await count()).toBe(before)
  for (const u of again) expect((await api.call('GET', '/v1/me', { token: u.token })).status).toBe(200)

  // A bigger run keeps the six and registers only the difference.
  const more = await registerUsers(api, newRunId(), 8)
  expect(more.slice(0, 6).map((u) => u.id)).toEqual(first.map((u) => u.id))
  expect(await count()).toBe(before + 2)
})

test('buyers the target no longer knows (a fresh database) are registered anew', async () => {
  const api = createApi(base)
  const first = await registerUsers(api, newRunId(), 3)
  await ctx.deps.sql`delete from users where id = ${first[0]!.id}`
  const again = await registerUsers(api, newRunId(), 3)
  expect(again[0]!.id).not.toBe(first[0]!.id)
  expect(again.slice(1).map((u) => u.id)).toEqual(first.slice(1).map((u) => u.id))
  expect((await api.call('GET', '/v1/me', { token: again[0]!.token })).status).toBe(200)
})
