/**
 * The database's own ceiling for orders on one hot drop, measured with pgbench in the same run as the server,
 * on the same tables: the guarded decrement of one drop row + the order rows + their ledger rows, as one
 * autocommit statement, either one order per statement/commit (what serial placement can reach at best) or
 * `batch` orders per statement/commit (what combining can reach at best). No HTTP, no JSON, no keys, no events:
 * an upper bound, so the server's figures are read as a ratio of it.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface PgbenchResult {
  /** orders per second */
  ordersPerSec: number
  /** pgbench transactions (= statements = commits) per second */
  tps: number
  clients: number
  batch: number
  latencyMs: number
}

const statement = (n: number) => `
with d as (
  update drops set available_stock = available_stock - ${n}, updated_at = now()
  where id = :drop::uuid and available_stock >= ${n}
  returning id, unit_price_cents, currency
), o as (
  insert into orders (id, drop_id, user_id, quantity, unit_price_cents, total_cents, currency)
  select gen_random_uuid(), d.id, :uid::uuid, 1, d.unit_price_cents, d.unit_price_cents, d.currency
  from d cross join generate_series(1, ${n})
  returning id, drop_id
)
insert into stock_ledger (drop_id, kind, delta, order_id) select drop_id, 'order', -1, id from o;
`

export function pgbenchAvailable(): boolean {
  return spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).status === 0
}

/** Runs pgbench against `databaseUrl` on drop `dropId` (live, with stock for the whole run) for `seconds`. */
export function pgbenchOrders(databaseUrl: string, o: { dropId: string; userId: string; batch: number; clients: number; seconds: number }): PgbenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'livedrop-pgbench-'))
  try {
    const script = join(dir, `orders-${o.batch}.sql`)
    writeFileSync(script, statement(o.batch))
    const args = ['-n', '-M', 'prepared', '-c', String(o.clients), '-j', String(Math.min(o.clients, 2)), '-T', String(o.seconds),
      '-f', script, '-D', `drop=${o.dropId}`, '-D', `uid=${o.userId}`, databaseUrl]
    const r = spawnSync('pgbench', args, { encoding: 'utf8' })
    const out = `${r.stdout}\n${r.stderr}`
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1])
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1])
    if (r.status !== 0 || !Number.isFinite(tps)) throw new Error(`pgbench failed (${r.status}):\n${out.slice(-2000)}`)
    return { ordersPerSec: Math.round(tps * o.batch), tps: Math.round(tps), clients: o.clients, batch: o.batch, latencyMs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
