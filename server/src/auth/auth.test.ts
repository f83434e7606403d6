import { afterAll, describe, expect, test } from 'bun:test'
import { SignJWT, UnsecuredJWT } from 'jose'
import { createTestContext, registerUser, TEST_JWT_SECRET, unique } from '../../test/helpers'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

/** Moves the user's refresh-token uses back past the 10 s grace window. */
const pastGrace = (userId: string) => deps.sql`update refresh_tokens set used_at = used_at - interval '11 seconds' where user_id = ${userId} and used_at is not null`

const key = new TextEncoder().encode(TEST_JWT_SECRET)
const sign = (claims: { sub?: string; iss?: string; aud?: string; exp?: number | string }, secret = key, alg = 'HS256') => {
  let jwt = new SignJWT({}).setProtectedHeader({ alg }).setIssuedAt()
  if (claims.sub) jwt = jwt.setSubject(claims.sub)
  jwt = jwt.setIssuer(claims.iss ?? 'livedrop').setAudience(claims.aud ?? 'livedrop-api').setExpirationTime(claims.exp ?? '5m')
  return jwt.sign(secret)
}

describe('register', () => {
  test('creates the user with an argon2id hash and returns a working token pair', async () => {
    const u = await registerUser(api)
    expect(u.user.username).toBe(u.username)
    expect(u.user.email).toBe(u.email)
    expect(u.user.creator).toBeNull()
    const [row] = await deps.sql`select password_hash from users where id = ${u.user.id}`
    expect(row.passwordHash).toStartWith('$argon2id$')
    const [tok] = await deps.sql`select token_hash from refresh_tokens where user_id = ${u.user.id}`
    expect(Buffer.from(tok.tokenHash).toString('base64url')).not.toBe(u.refreshToken)
    const me = await api('GET', '/v1/me', { token: u.accessToken })
    expect(me.status).toBe(200)
    expect(me.body.id).toBe(u.user.id)
  })

  test('duplicate username or email (any case) → 409, no second row', async () => {
    const u = await registerUser(api)
    const a = await api('POST', '/v1/auth/register', { body: { username: u.username.toUpperCase(), email: `x${u.email}`, password: 'long enough pw' } })
    expect(a.status).toBe(409)
    expect(a.body.code).toBe('USERNAME_TAKEN')
    const b = await api('POST', '/v1/auth/register', { body: { username: unique('n_'), email: u.email.toUpperCase(), password: 'long enough pw' } })
    expect(b.status).toBe(409)
    expect(b.body.code).toBe('EMAIL_TAKEN')
    const [{ count }] = await deps.sql`select count(*)::int from users where lower(email) = lower(${u.email})`
    expect(count).toBe(1)
  })

  test('invalid bodies → 422 naming the field; server-owned fields refused', async () => {
    const cases: Array<[unknown, string]> = [
      [{ username: 'ab', email: 'a@b.co', password: 'long enough' }, '/username'],
      [{ username: 'good_name', email: 'not-an-email', password: 'long enough' }, '/email'],
      [{ username: 'good_name', email: 'a@b.co', password: 'short' }, '/password'],
      [{ username: 'good_name', email: 'a@b.co', password: 'long enough', id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, '/id'],
      [{ username: 'bad name!', email: 'a@b.co', password: 'long enough' }, '/username'],
      [{ email: 'a@b.co', password: 'long enough' }, '/username'],
    ]
    for (const [body, field] of cases) {
      const res = await api('POST', '/v1/auth/register', { body })
      expect(res.status).toBe(422)
      expect(res.headers.get('content-type')).toStartWith('application/problem+json')
      expect(res.body.code).toBe('VALIDATION_FAILED')
      expect(res.body.errors.map((e: any) => e.field)).toContain(field)
    }
    const [{ count }] = await deps.sql`select count(*)::int from users where username = 'good_name'`
    expect(count).toBe(0)
  })
})

describe('login', () => {
  test('right password → 200 and a new session', async () => {
    const u = await registerUser(api)
    const res = await api('POST', '/v1/auth/login', { body: { email: u.email.toUpperCase(), password: u.password } })
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(u.user.id)
    expect(res.body.expiresIn).toBe(900)
  })

  test('unknown email and wrong password give identical 401 bodies', async () => {
    const u = await registerUser(api)
    const wrong = await api('POST', '/v1/auth/login', { body: { email: u.email, password: 'not the password' } })
    const unknown = await api('POST', '/v1/auth/login', { body: { email: `nobody-${u.email}`, password: 'not the password' } })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const strip = (b: any) => ({ ...b, requestId: undefined })
    expect(strip(wrong.body)).toEqual(strip(unknown.body))
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS')
  })
})

describe('refresh tokens', () => {
  test('rotate on use; the old one is then refused', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    expect(r1.status).toBe(200)
    expect(r1.body.refreshToken).not.toBe(u.refreshToken)
    const me = await api('GET', '/v1/me', { token: r1.body.accessToken })
    expect(me.status).toBe(200)
    const r2 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })
    expect(r2.status).toBe(200)
  })

  test('reuse of a rotated token after the grace window revokes the whole family', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    expect(r1.status).toBe(200)
    await pastGrace(u.user.id)
    const replay = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    expect(replay.status).toBe(401)
    expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN')
    // The legitimate descendant died with the family.
    const after = await api('POST', '/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })
    expect(after.status).toBe(401)
    const rows = await deps.sql`select revoked_at from refresh_tokens where user_id = ${u.user.id}`
    expect(rows.length).toBe(2)
    expect(rows.every((r: any) => r.revokedAt !== null)).toBe(true)
  })

  test('a repeat within the grace window answers the same pair; the session lives on', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    const again = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    expect(again.status).toBe(200)
    expect(again.body.refreshToken).toBe(r1.body.refreshToken)
    expect(again.body.accessToken).toBe(r1.body.accessToken)
    expect((await api('GET', '/v1/me', { token: again.body.accessToken })).status).toBe(200)
    const r2 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: again.body.refreshToken } })
    expect(r2.status).toBe(200)
    // Nothing stored but hashes: one row per generation, none of them the token itself.
    const rows = await deps.sql<{ tokenHash: Buffer }[]>`select token_hash from refresh_tokens where user_id = ${u.user.id}`
    expect(rows.length).toBe(3)
    const stored = rows.map((r) => Buffer.from(r.tokenHash).toString('base64url'))
    for (const t of [u.refreshToken, r1.body.refreshToken, r2.body.refreshToken]) expect(stored).not.toContain(t)
  })

  test('within the grace window, a repeat of an older generation is reuse: every token of the family fails', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    const r2 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })
    expect(r2.status).toBe(200)
    expect((await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })).status).toBe(401)
    for (const t of [u.refreshToken, r1.body.refreshToken, r2.body.refreshToken]) {
      expect((await api('POST', '/v1/auth/refresh', { body: { refreshToken: t } })).status).toBe(401)
    }
  })

  test('REFRESH_GRACE_SEC=0: any repeat is reuse', async () => {
    const strict = createTestContext({ refreshGraceSec: 0 })
    try {
      const u = await registerUser(strict.api)
      const r1 = await strict.api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
      expect((await strict.api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })).status).toBe(401)
      expect((await strict.api('POST', '/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })).status).toBe(401)
    } finally {
      await strict.close()
    }
  })

  test('logout revokes the family; unknown tokens are a quiet 204', async () => {
    const u = await registerUser(api)
    const r1 = await api('POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })
    const out = await api('POST', '/v1/auth/logout', { body: { refreshToken: r1.body.refreshToken } })
    expect(out.status).toBe(204)
    const again = await api('POST', '/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })
    expect(again.status).toBe(401)
    expect((await api('POST', '/v1/auth/logout', { body: { refreshToken: 'garbage' } })).status).toBe(204)
  })

  test('garbage refresh token → 401', async () => {
    const res = await api('POST', '/v1/auth/refresh', { body: { refreshToken: 'nope' } })
    expect(res.status).toBe(401)
  })
})

describe('access tokens', () => {
  test('alg=none, another alg, tampered, expired, wrong aud/iss, wrong key, bad subject → 401', async () => {
    const u = await registerUser(api)
    const sub = u.user.id
    const none = new UnsecuredJWT({}).setSubject(sub).setIssuer('livedrop').setAudience('livedrop-api').setIssuedAt().setExpirationTime('5m').encode()
    const [h, p, s] = u.accessToken.split('.')
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
    const tampered = [h, Buffer.from(JSON.stringify({ ...payload, sub: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' })).toString('base64url'), s].join('.')
    const bad = [
      none,
      await sign({ sub }, key, 'HS512'),
      tampered,
      await sign({ sub, exp: Math.floor(Date.now() / 1000) - 10 }),
      await sign({ sub, aud: 'someone-else' }),
      await sign({ sub, iss: 'evil' }),
      await sign({ sub }, new TextEncoder().encode('another-secret-another-secret-another')),
      await sign({ sub: 'not-a-uuid' }),
      await sign({}),
      'not.a.jwt',
    ]
    for (const token of bad) {
      const res = await api('GET', '/v1/me', { token })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('UNAUTHORIZED')
    }
    expect((await api('GET', '/v1/me', { token: await sign({ sub }) })).status).toBe(200)
    expect((await api('GET', '/v1/me', { headers: { authorization: `Basic ${u.accessToken}` } })).status).toBe(401)
  })
})
