/**
 * Every SSE client must hold a gap-free, duplicate-free sequence of event ids across its reconnections:
 *  - ids strictly increase (a repeat or a step back is a duplicate), and no `reset` was needed;
 *  - a personal stream holds exactly the events the server's own replay query names for that user between
 *    the client's first id and the head — no more, no fewer;
 *  - a drop stream holds exactly the drop's own events (drop.live, drop.low_stock, drop.sold_out…) in that
 *    range; its drop.stock frames are coalesced by design, so each must carry the id and the figure of one of
 *    the drop's order events, and the last one must show the stock the drop has now.
 * The expected sets come from events/repo.ts, the queries the server replays from: one definition of "what
 * this stream shows".
 */
import type postgres from 'postgres'
import { dropEventsAfter, dropStockAfter, headSeq, userEventsAfter, type EventRow } from '../../server/src/events/repo'
import type { Check } from './check-orders'
import type { StreamLog } from './load'

const OPENING = new Set(['state', 'reset'])

interface Verdict {
  log: StreamLog
  problems: string[]
  pending: boolean
}

async function judge(sql: postgres.Sql<{}>, log: StreamLog, head: number): Promise<Verdict> {
  const problems: string[] = []
  const evs = log.events
  if (!evs.length) return { log, problems: ['received nothing'], pending: true }
  let repeats = 0
  for (let i = 1; i < evs.length; i++) if (evs[i].id <= evs[i - 1].id) repeats++
  if (repeats) problems.push(`${repeats} ids repeated or out of order`)
  const resets = evs.filter((e) => e.type === 'reset').length
  if (resets) problems.push(`${resets} reset`)
  const from = evs[0].id
  const got = evs.filter((e) => !OPENING.has(e.type))
  let expected: EventRow[]
  let received: typeof got
  if (log.kind === 'user') {
    expected = await userEventsAfter(sql, log.id, from, head, 1_000_000)
    received = got
  } else {
    expected = await dropEventsAfter(sql, log.id, from, head, 1_000_000)
    received = got.filter((e) => e.type !== 'drop.stock')
  }
  const want = new Set(expected.map((e) => e.seq))
  const have = new Set(received.map((e) => e.id))
  const missing = [...want].filter((id) => !have.has(id))
  const extra = [...have].filter((id) => !want.has(id))
  if (extra.length) problems.push(`${extra.length} events it should not have (${extra.slice(0, 5).join(', ')})`)
  let pending = missing.length > 0
  if (missing.length) problems.push(`${missing.length} events missing (${missing.slice(0, 5).join(', ')})`)
  if (log.kind === 'drop') {
    const stock = got.filter((e) => e.type === 'drop.stock')
    const orders = new Map((await sql<{ seq: number; stock: number | null }[]>`
      select seq::float8 as seq, (data->>'availableStock')::int as stock from outbox
      where drop_id = ${log.id} and seq > ${from} and seq <= ${head} and type in ('order.confirmed', 'order.cancelled')`).map((r) => [r.seq, r.stock]))
    const wrong = stock.filter((e) => orders.get(e.id) !== (e.data as { availableStock?: number }).availableStock)
    if (wrong.length) problems.push(`${wrong.length} drop.stock frames that match no order event of the drop`)
    const newest = await dropStockAfter(sql, log.id, from, head)
    if (newest && stock.at(-1)?.id !== newest.seq) {
      pending = true
      problems.push(`last drop.stock is ${stock.at(-1)?.id ?? 'none'}, the drop's newest order event is ${newest.seq}`)
    }
  }
  return { log, problems, pending }
}

/** Waits (up to `ms`) until every stream has caught up with the head, then judges each; → the checks and figures. */
export async function checkStreams(sql: postgres.Sql<{}>, logs: StreamLog[], ms: number) {
  const head = await headSeq(sql)
  const until = performance.now() + ms
  let verdicts: Verdict[]
  for (;;) {
    verdicts = await Promise.all(logs.map((l) => judge(sql, l, head)))
    if (!verdicts.some((v) => v.pending) || performance.now() > until) break
    await Bun.sleep(250)
  }
  const bad = verdicts.filter((v) => v.problems.length || v.log.errors.length)
  const events = logs.reduce((n, l) => n + l.events.length, 0)
  const detail = bad.length
    ? bad.slice(0, 6).map((v) => `${v.log.kind} ${v.log.id.slice(0, 8)}: ${[...v.problems, ...v.log.errors.slice(0, 2).map((e) => `refused: ${e}`)].join('; ')}`).join(' | ')
    : `${logs.length} clients (${logs.filter((l) => l.kind === 'user').length} personal, ${logs.filter((l) => l.kind === 'drop').length} drop), ${events} events, head ${head}`
  const checks: Check[] = [{ name: 'SSE ids gap-free and duplicate-free', ok: bad.length === 0, detail }]
  return { checks, events, head }
}
