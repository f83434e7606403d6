import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, listen, registerUser, testConfig } from '../../test/helpers'

/**
 * Refresh rotation under real concurrency: requests sent in parallel over real sockets to a listening server,
 * against the real Postgres, so the transactions really overlap.
 */
const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false } })
const { deps } = ctx
const server = listen(ctx, 3540)
const { api } = server

// A rotation in flight, held open on purpose: a trigger sleeps after the successor's INSERT for the users listed
// in a table of its own, so a revocation can be sent exactly while the successor exists but is not committed.
beforeAll(async () => {
  await deps.sql`create table if not exists test_slow_refresh_users (user_id uuid primary key)`
  await deps.sql`
    create or replace function test_slow_refresh() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from test_slow_refresh_users where user_id = new.user_id) then perform pg_sleep(0.6); end if;
      return new;
    end $$`
  await deps.sql`drop trigger if exists test_slow_refresh on refresh_tokens`
  await deps.sql`create trigger test_slow_refresh after insert on refresh_tokens for each row execute function test_slow_refresh()`
})
afterAll(async () => {
  await deps.sql`drop trigger if exists test_slow_refresh on refresh_tokens`
  await deps.sql`drop function if exists test_slow_refresh()`
  await deps.sql`drop table if exists test_slow_refresh_users`
  await server.stop()
  await ctx.close()
})

const refresh = (refreshToken: string) => api('POST', '/v1/auth/refresh', { body: { refreshToken } })

/** Until a rotation of the slowed users is inside its INSERT (the trigger's sleep). */
async function rotationInFlight() {
  const deadline = Date.now() + 5000
  for (;;) {
    const [{ n }] = await deps.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where state = 'active' and query ilike '%insert into refresh_tokens%'`
    if (n > 0) return
    if (Date.now() > deadline) throw new Error('no rotation in flight')
    await Bun.sleep(5)
  }
}

async function familyOf(userId: string) {
  return deps.sql<{ revokedAt: Date | null; tokens: number; live: number }[]>`
    select f.revoked_at, count(t.id)::int as tokens, count(t.id) filter (where t.revoked_at is null)::int as live
    from refresh_families f join refresh_tokens t on t.family_id = f.id
    where f.user_id = ${userId} group by f.id`
}

describe('parallel refreshes of one token', () => {
  test('16 at once over HTTP: every one gets the same new pair, and the session goes on', async () => {
    const u = await registerUser(api)
    const results = await Promise.all(Array.from({ length: 16 }, () => refresh(u.refreshToken)))
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(200))
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1)
    expect(new Set(results.map((r) => r.body.accessToken)).size).toBe(1)
    const next = results[0].body
    expect(next.refreshToken).not.toBe(u.refreshToken)
    expect((await api('GET', '/v1/me', { token: next.accessToken })).status).toBe(200)
    // One rotation happened: two generations, none revoked; and the new token rotates as usual.
    expect(await familyOf(u.user.id)).toMatchObject([{ revokedAt: null, tokens: 2, live: 2 }])
    const r2 = await refresh(next.refreshToken)
    expect(r2.status).toBe(200)
    expect(r2.body.refreshToken).not.toBe(next.refreshToken)
  })

  test('two tabs, each refreshing twice in parallel: nobody is logged out', async () => {
    const u = await registerUser(api)
    const [a, b] = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)])
    expect([a.status, b.status]).toEqual([200, 200])
    const [c, d] = await Promise.all([refresh(a.body.refreshToken), refresh(b.body.refreshToken)])
    expect([c.status, d.status]).toEqual([200, 200])
    expect(c.body.refreshToken).toBe(d.body.refreshToken)
    expect((await familyOf(u.user.id))[0].revokedAt).toBeNull()
  })
})

describe('revocation racing a rotation (the family row serializes them)', () => {
  test('log-out while a refresh is in flight: the successor it mints is refused too', async () => {
    const u = await registerUser(api)
    await deps.sql`insert into test_slow_refresh_users values (${u.user.id})`
    const rotating = refresh(u.refreshToken)
    await rotationInFlight()
    const out = await api('POST', '/v1/auth/logout', { body: { refreshToken: u.refreshToken } })
    expect(out.status).toBe(204)
    const rotated = await rotating
    // The refresh began first, so it won the lock and answered a pair; the log-out then revoked that pair too.
    expect(rotated.status).toBe(200)
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401)
    expect(await familyOf(u.user.id)).toMatchObject([{ tokens: 2, live: 0 }])
    expect((await familyOf(u.user.id))[0].revokedAt).not.toBeNull()
  })

  test('reuse detected while the thief refreshes: the thief\'s new token dies with the family', async () => {
    const victim = await registerUser(api)
    const stolen = await refresh(victim.refreshToken) // the thief's copy: the newest generation
    expect(stolen.status).toBe(200)
    await deps.sql`update refresh_tokens set used_at = used_at - interval '11 seconds' where user_id = ${victim.user.id} and used_at is not null`
    await deps.sql`insert into test_slow_refresh_users values (${victim.user.id})`
    const thief = refresh(stolen.body.refreshToken)
    await rotationInFlight()
    // The victim's client presents its old token: reuse outside the grace window.
    const replay = await refresh(victim.refreshToken)
    expect(replay.status).toBe(401)
    const thiefPair = await thief
    expect(thiefPair.status).toBe(200)
    expect((await refresh(thiefPair.body.refreshToken)).status).toBe(401)
    expect(await familyOf(victim.user.id)).toMatchObject([{ tokens: 3, live: 0 }])
  })

  test('a loop of refreshes racing a log-out never keeps a live token', async () => {
    const u = await registerUser(api)
    let token = u.refreshToken
    let loggedOut = false
    const loop = (async () => {
      const minted: string[] = []
      for (let i = 0; i < 200 && !loggedOut; i++) {
        const r = await refresh(token)
        if (r.status !== 200) break
        token = r.body.refreshToken
        minted.push(token)
      }
      return minted
    })()
    await Bun.sleep(30)
    expect((await api('POST', '/v1/auth/logout', { body: { refreshToken: u.refreshToken } })).status).toBe(204)
    loggedOut = true
    const minted = await loop
    for (const t of [u.refreshToken, ...minted.slice(-3)]) expect((await refresh(t)).status).toBe(401)
    expect((await familyOf(u.user.id))[0].live).toBe(0)
  })
})
