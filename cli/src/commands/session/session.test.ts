// The session verbs (login, logout, whoami) and what a command without a login gets: against the real server in
// process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { statSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { registerUser } from '../../../../server/test/helpers'
import { runCli, STACK_LINE } from '../../../test/harness'
import { useInProcessApi, API } from '../../../test/in-process'

const api = useInProcessApi()
const { machine } = api

describe('session', () => {
  test('login --password-stdin saves a 0600 profile under XDG_CONFIG_HOME; whoami; logout revokes', async () => {
    const m = machine()
    const u = await registerUser(api.ctx.api)
    const login = await m.run(['login', '--email', u.email, '--password-stdin', '--json'], { stdin: `${u.password}\n` })
    expect(login.code).toBe(0)
    expect(login.json()).toMatchObject({ id: u.user.id, username: u.username })
    expect(login.stderr).toContain(`Logged in to ${API} as ${u.username} (profile "default")`)

    const file = join(m.home, 'livedrop', 'config.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(m.home, 'livedrop')).mode & 0o777).toBe(0o700)
    const saved = JSON.parse(readFileSync(file, 'utf8')).profiles.default
    expect(saved).toMatchObject({ apiUrl: API, email: u.email })
    expect(saved.refreshToken).toBeString()

    const who = await m.run(['whoami'])
    expect(who.code).toBe(0)
    expect(who.stdout).toContain(`${u.username} <${u.email}>`)
    expect(who.stdout).toContain('not a creator yet')
    const whoJson = await m.run(['whoami', '--json'])
    expect(whoJson.json()).toMatchObject({ id: u.user.id, email: u.email, creator: null })

    const out = await m.run(['logout'])
    expect(out.code).toBe(0)
    expect(out.stderr).toContain('Logged out')
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.default.refreshToken).toBeUndefined()
    // The server revoked the family: the saved refresh token no longer works even if someone kept a copy.
    const refresh = await api.ctx.api('POST', '/v1/auth/refresh', { body: { refreshToken: saved.refreshToken } })
    expect(refresh.status).toBe(401)

    const after = await m.run(['whoami'])
    expect(after.code).toBe(4)
    expect(after.stderr).toContain('error: you are not logged in (AUTH_REQUIRED)')
  })

  test('wrong password → exit 4 with the problem detail and code, nothing saved, no stack trace', async () => {
    const m = machine()
    const u = await registerUser(api.ctx.api)
    const r = await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: 'not the password' })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^error: .+ \(INVALID_CREDENTIALS\)$/m)
    expect(r.stderr).not.toMatch(STACK_LINE)
    expect((await m.run(['whoami'])).code).toBe(4)
  })

  test('profiles are separate; LIVEDROP_TOKEN overrides the saved login', async () => {
    const m = machine()
    const a = await registerUser(api.ctx.api)
    const b = await registerUser(api.ctx.api)
    expect((await m.run(['login', '--email', a.email, '--password-stdin'], { stdin: a.password })).code).toBe(0)
    expect((await m.run(['--profile', 'other', 'login', '--email', b.email, '--password-stdin'], { stdin: b.password })).code).toBe(0)
    expect((await m.run(['whoami', '--json'])).json().id).toBe(a.user.id)
    expect((await m.run(['whoami', '--json', '--profile', 'other'])).json().id).toBe(b.user.id)
    expect((await m.run(['whoami', '--json'], { env: { LIVEDROP_PROFILE: 'other' } })).json().id).toBe(b.user.id)
    const viaEnv = await m.run(['whoami', '--json'], { env: { LIVEDROP_TOKEN: b.accessToken } })
    expect(viaEnv.json().id).toBe(b.user.id)
    // A bad env token is an auth failure, not a crash, and the saved login is left alone.
    const bad = await m.run(['whoami'], { env: { LIVEDROP_TOKEN: 'not-a-jwt' } })
    expect(bad.code).toBe(4)
    expect(bad.stderr).toContain('livedrop login')
    expect((await m.run(['whoami', '--json'])).json().id).toBe(a.user.id)
  })

  test('an expired access token is refreshed once and the rotated pair is saved for the next command', async () => {
    const m = machine()
    const u = await registerUser(api.ctx.api)
    await m.run(['login', '--email', u.email, '--password-stdin'], { stdin: u.password })
    const file = join(m.home, 'livedrop', 'config.json')
    const cfg = JSON.parse(readFileSync(file, 'utf8'))
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const expired = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: u.user.id, iat: 1, exp: 2 })}.c2ln`
    const oldRefresh = cfg.profiles.default.refreshToken
    cfg.profiles.default.accessToken = expired
    writeFileSync(file, JSON.stringify(cfg))
    const who = await m.run(['whoami', '--json'])
    expect(who.code).toBe(0)
    expect(who.json().id).toBe(u.user.id)
    const saved = JSON.parse(readFileSync(file, 'utf8')).profiles.default
    expect(saved.accessToken).not.toBe(expired)
    expect(saved.refreshToken).not.toBe(oldRefresh)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await m.run(['whoami', '--json'])).json().id).toBe(u.user.id)
  })

  test('--api-url beats LIVEDROP_API_URL; an unreachable API is a clear exit 1', async () => {
    const m = machine()
    const r = await runCli(['drops', 'list', '--api-url', 'http://127.0.0.1:9'], { env: { XDG_CONFIG_HOME: m.home, LIVEDROP_API_URL: API } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error: cannot reach the LiveDrop API at http://127.0.0.1:9 (NETWORK)')
    const bad = await m.run(['drops', 'list', '--api-url', 'ftp://x'])
    expect(bad.code).toBe(2)
  })
})

describe('not logged in', () => {
  test('commands that need a login exit 4 and say how to log in', async () => {
    const m = machine()
    for (const argv of [['whoami'], ['products', 'create', '--title', 'x', '--price-cents', '1', '--currency', 'EUR'], ['drops', 'list', '--mine'], ['orders', 'list']]) {
      const r = await m.run(argv)
      expect({ argv, code: r.code }).toEqual({ argv, code: 4 })
      expect(r.stderr).toContain('Run `livedrop login`')
    }
    // Public reads work without a login.
    const r = await m.run(['drops', 'list', '--limit', '1', '--json'])
    expect(r.code).toBe(0)
    expect(Array.isArray(r.json())).toBe(true)
  })
})

