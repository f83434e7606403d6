// The CLI against the real server in process (the SDK's fetch goes to app.handle), real Postgres and Redis
// underneath: one set-up for every command test file, so each verb's test can live beside the verb.
import { afterAll, beforeAll, expect } from 'bun:test'
import { createTestContext, registerUser, unique, type TestContext } from '../../server/test/helpers'
import { freshConfigHome, runCli, type RunOptions } from './harness'

export const API = 'http://cli.test'

export interface InProcessApi {
  readonly ctx: TestContext
  readonly fetch: NonNullable<RunOptions['fetch']>
  /** A CLI bound to one config folder (one "machine"). */
  machine(env?: Record<string, string>): Machine
  /** A machine logged in (through the CLI) as a fresh creator. */
  creatorMachine(): Promise<Machine & { user: Awaited<ReturnType<typeof registerUser>>; creatorId: string }>
  /** A creator machine with one product of its own. */
  withProduct(): Promise<Awaited<ReturnType<InProcessApi['creatorMachine']>> & { productId: string }>
  countDrops(creatorId: string): Promise<number>
}

export interface Machine {
  home: string
  run(argv: string[], o?: RunOptions): ReturnType<typeof runCli>
}

/** Registers the file's beforeAll/afterAll: one in-process server per test file. */
export function useInProcessApi(): InProcessApi {
  let ctx: TestContext
  let fetch: NonNullable<RunOptions['fetch']>
  beforeAll(() => {
    ctx = createTestContext({ redisKeyPrefix: `livedrop-cli-test:${process.pid}:` })
    fetch = (input, init) => ctx.app.handle(new Request(input, init))
  })
  afterAll(() => ctx.close())

  const api: InProcessApi = {
    get ctx() {
      return ctx
    },
    get fetch() {
      return fetch
    },
    machine(env = {}) {
      const home = freshConfigHome()
      return { home, run: (argv, o = {}) => runCli(argv, { fetch, ...o, env: { XDG_CONFIG_HOME: home, LIVEDROP_API_URL: API, ...env, ...o.env } }) }
    },
    async creatorMachine() {
      const m = api.machine()
      const u = await registerUser(ctx.api)
      const login = await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: `${u.password}\n` })
      expect(login.code).toBe(0)
      const c = await m.run(['creators', 'create', '--handle', unique('h').toLowerCase(), '--display-name', 'CLI Creator', '--json'])
      expect(c.code).toBe(0)
      return { ...m, user: u, creatorId: c.json().id as string }
    },
    async withProduct() {
      const m = await api.creatorMachine()
      const productId = (await m.run(['products', 'create', '--title', 'Drop item', '--price-cents', '2500', '--currency', 'EUR'])).stdout.trim()
      return { ...m, productId }
    },
    countDrops: async (creatorId) => Number((await ctx.deps.sql`select count(*)::int as n from drops where creator_id = ${creatorId}`)[0].n),
  }
  return api
}
