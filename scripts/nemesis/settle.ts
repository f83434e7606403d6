/**
 * After the load: every order the clients were left without an answer to is retried with its original key
 * until it has a final one, and the system is let settle (outbox numbered, streams caught up).
 */
import type postgres from 'postgres'
import { isFinal, placeIntent, type Intent } from './load'
import type { Seeded } from './seed'

/**
 * Retries the unanswered intents (same key) until each is final or `deadlineMs` passes; → how many needed it,
 * and what the clients had been left with (status → count; 0: no answer at all).
 */
export async function retryUnanswered(s: Seeded, intents: Intent[], deadlineMs: number): Promise<{ retried: number; leftWith: Record<string, number> }> {
  const open = intents.filter((it) => !isFinal(it.answers.at(-1)))
  const leftWith: Record<string, number> = {}
  for (const it of open) {
    const a = it.answers.at(-1)
    const what = a ? `${a.status}${a.code ? ` ${a.code}` : ''}` : 'none'
    leftWith[what] = (leftWith[what] ?? 0) + 1
  }
  const clients = new Map(s.buyers.map((b) => [b.userId, b.client]))
  const until = performance.now() + deadlineMs
  await Promise.all(open.map(async (it) => {
    while (!isFinal(it.answers.at(-1)) && performance.now() < until) {
      const a = await placeIntent(clients.get(it.userId)!, it, 6)
      if (!isFinal(a)) await Bun.sleep(500)
    }
  }))
  return { retried: open.length, leftWith }
}

/** Until the relays have numbered every committed event (or `ms` passes). */
export async function untilOutboxNumbered(sql: postgres.Sql<{}>, ms: number): Promise<boolean> {
  const until = performance.now() + ms
  for (;;) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where seq is null`
    if (n === 0) return true
    if (performance.now() > until) return false
    await Bun.sleep(100)
  }
}
