import type { Sql } from 'postgres'

/** Row count and content hash of every table: two equal fingerprints mean no row was written in between. */
export type Fingerprint = Record<string, string>

export async function fingerprint(sql: Sql): Promise<Fingerprint> {
  const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' order by 1`
  const out: Fingerprint = {}
  for (const { name } of tables) {
    const [row] = await sql<{ n: number; h: string | null }[]>`select count(*)::int as n, md5(string_agg(md5(t::text), '' order by md5(t::text))) as h from ${sql(name)} t`
    out[name] = `${row.n}:${row.h ?? ''}`
  }
  return out
}

/** The tables whose rows differ. */
export const changedTables = (a: Fingerprint, b: Fingerprint) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((t) => a[t] !== b[t])

/** Waits until background work after a write (outbox relay, notifier) has settled: two equal fingerprints in a row. */
export async function settled(sql: Sql, maxMs = 3000): Promise<Fingerprint> {
  let last = await fingerprint(sql)
  const deadline = Date.now() + maxMs
  for (;;) {
    await Bun.sleep(60)
    const next = await fingerprint(sql)
    if (changedTables(last, next).length === 0 || Date.now() > deadline) return next
    last = next
  }
}
