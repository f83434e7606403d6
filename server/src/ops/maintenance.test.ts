import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerUser } from '../../test/helpers'
import { deleteExpiredKeys } from '../orders/repo'
import { deleteEmptyRefreshFamilies, deleteExpiredRefreshTokens } from '../auth/repo'
import { createMaintenance, type Sweep } from './maintenance'
import { tryMaintenanceLock } from './repo'

const ctx = createTestContext()
afterAll(() => ctx.close())
const { sql, log } = ctx.deps

/** A backlog for one user: `expired` keys past their 24 h and 3 fresh ones; `expiredTokens` dead refresh tokens and 3 live ones (2 + registration's), in an old session and a new one. */
async function backlog(expired: number, expiredTokens: number) {
  const u = await registerUser(ctx.api)
  const userId = u.user.id as string
  await sql`insert into idempotency_keys (user_id, key, fingerprint, created_at)
    select ${userId}, 'old-' || i, '\\x00', now() - interval '25 hours' from generate_series(1, ${expired}) as i`
  await sql`insert into idempotency_keys (user_id, key, fingerprint) select ${userId}, 'new-' || i, '\\x00' from generate_series(1, 3) as i`
  // The expired tokens belong to a session (family) started days ago, which goes once they are gone; the live
  // ones to a session of today, which stays.
  const [oldFamily, newFamily] = [crypto.randomUUID(), crypto.randomUUID()]
  await sql`insert into refresh_families (id, user_id, created_at) values (${oldFamily}, ${userId}, now() - interval '3 days'), (${newFamily}, ${userId}, now())`
  await sql`insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
    select gen_random_uuid(), ${userId}, case when i <= ${expiredTokens} then ${oldFamily}::uuid else ${newFamily}::uuid end,
      decode(md5(${userId} || i::text), 'hex'),
      case when i <= ${expiredTokens} then now() - interval '2 days' else now() + interval '1 day' end
    from generate_series(1, ${expiredTokens + 2}) as i`
  const left = async () => {
    const [k] = await sql<{ old: number; fresh: number }[]>`select count(*) filter (where key like 'old-%')::int as old, count(*) filter (where key like 'new-%')::int as fresh from idempotency_keys where user_id = ${userId}`
    const [t] = await sql<{ dead: number; live: number }[]>`select count(*) filter (where expires_at < now())::int as dead, count(*) filter (where expires_at > now())::int as live from refresh_tokens where user_id = ${userId}`
    const [f] = await sql<{ families: number }[]>`select count(*)::int as families from refresh_families where id in (${oldFamily}, ${newFamily})`
    return { ...k, ...t, ...f }
  }
  return { userId, left }
}

/** The production sweeps, with every batch's count recorded. */
function recorded(batch: number) {
  const batches: Record<string, number[]> = { keys: [], tokens: [] }
  const sweeps: Sweep[] = [
    { name: 'keys', batch, run: async (s, b) => { const n = await deleteExpiredKeys(s, b); batches.keys.push(n); return n } },
    { name: 'tokens', batch, run: async (s, b) => { const n = await deleteExpiredRefreshTokens(s, b); batches.tokens.push(n); return n } },
    { name: 'families', batch, run: deleteEmptyRefreshFamilies },
  ]
  return { batches, sweeps }
}

describe('expiry sweep', () => {
  test('deletes the whole backlog in bounded batches, keeping what has not expired', async () => {
    const { left } = await backlog(12_001, 5_001)
    const { batches, sweeps } = recorded(5000)
    const m = createMaintenance({ sql, log, sweeps, pauseMs: 0 })
    const r = await m.pass()
    expect(r.ran).toBe(true)
    // Never more than one batch per statement, and it went on until a short batch.
    for (const b of [...batches.keys, ...batches.tokens]) expect(b).toBeLessThanOrEqual(5000)
    expect(batches.keys.length).toBeGreaterThanOrEqual(3)
    expect(batches.keys.at(-1)!).toBeLessThan(5000)
    expect(batches.tokens.length).toBeGreaterThanOrEqual(2)
    expect(r.deleted.keys).toBeGreaterThanOrEqual(12_001)
    expect(r.deleted.tokens).toBeGreaterThanOrEqual(5_001)
    expect(await left()).toEqual({ old: 0, fresh: 3, dead: 0, live: 3, families: 1 })
  })

  test('one instance at a time: a pass while another holds the lock does nothing', async () => {
    const { left } = await backlog(10, 10)
    // Another instance in the middle of a batch: its transaction holds the lock.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let locked!: (ok: boolean) => void
    const taken = new Promise<boolean>((r) => (locked = r))
    const other = sql.begin(async (tx) => {
      locked(await tryMaintenanceLock(tx))
      await held
    })
    const m = createMaintenance({ sql, log, sweeps: recorded(5000).sweeps })
    try {
      expect(await taken).toBe(true)
      expect(await m.pass()).toEqual({ ran: false, deleted: {} })
      expect(await left()).toEqual({ old: 10, fresh: 3, dead: 10, live: 3, families: 2 })
    } finally {
      release()
      await other
    }
    expect((await m.pass()).ran).toBe(true)
    expect(await left()).toEqual({ old: 0, fresh: 3, dead: 0, live: 3, families: 1 })
  })

  test('the first pass runs soon after start, not ten minutes later', async () => {
    const { left } = await backlog(20, 0)
    const m = createMaintenance({ sql, log, sweeps: recorded(5000).sweeps, firstDelayMs: [10, 50] })
    m.start()
    try {
      let now = await left()
      for (let i = 0; i < 40 && now.old > 0; i++) {
        await Bun.sleep(50)
        now = await left()
      }
      expect(now.old).toBe(0)
    } finally {
      await m.stop()
    }
  })
})
