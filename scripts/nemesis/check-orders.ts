/**
 * The order invariants, from what the clients were told and what the database holds:
 *  - lost: an order a client was told exists (201) that the database does not hold confirmed, or an intent
 *    that never got a final answer even after the final retries;
 *  - duplicate (user, key): an order the database holds that is not the one order its key answered, or a key
 *    whose answers named two different orders;
 *  - oversell: a drop whose confirmed units exceed its initial stock (or whose stock went below 0);
 *  - ledger: initialStock = availableStock + confirmed quantity, and the audit endpoint agrees.
 */
import type postgres from 'postgres'
import { isFinal, type Intent } from './load'
import type { Seeded } from './seed'

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export interface OrderFigures {
  intents: number
  confirmed: number
  refused: Record<string, number>
  confirmedUnits: number
  checks: Check[]
}

export async function checkOrders(sql: postgres.Sql<{}>, s: Seeded, intents: Intent[]): Promise<OrderFigures> {
  const rows = await sql<{ id: string; userId: string; dropId: string; quantity: number; status: string }[]>`select id, user_id, drop_id, quantity, status from orders`
  const inDb = new Map(rows.map((r) => [r.id, r]))
  const acknowledged = new Map<string, Intent>()
  let unanswered = 0
  let missing = 0
  let disagreeing = 0
  const refused: Record<string, number> = {}
  for (const it of intents) {
    const last = it.answers.at(-1)
    if (!isFinal(last)) {
      unanswered++
      continue
    }
    const ids = new Set(it.answers.filter((a) => a.status === 201).map((a) => a.orderId!))
    if (ids.size > 1) disagreeing++
    // A key answered 201 once must replay that order to every later retry, never a refusal.
    if (ids.size && last!.status !== 201) disagreeing++
    for (const id of ids) {
      acknowledged.set(id, it)
      const row = inDb.get(id)
      if (!row || row.status !== 'confirmed' || row.userId !== it.userId || row.quantity !== it.quantity) missing++
    }
    if (!ids.size) {
      const code = last!.code ?? `HTTP ${last!.status}`
      refused[code] = (refused[code] ?? 0) + 1
    }
  }
  const orphans = rows.filter((r) => !acknowledged.has(r.id))

  const drops = await sql<{ id: string; initialStock: number; availableStock: number; confirmed: number }[]>`
    select d.id, d.initial_stock, d.available_stock,
           coalesce((select sum(quantity) from orders o where o.drop_id = d.id and o.status = 'confirmed'), 0)::int as confirmed
    from drops d`
  const oversold = drops.filter((d) => d.confirmed > d.initialStock || d.availableStock < 0)
  const broken = drops.filter((d) => d.initialStock !== d.availableStock + d.confirmed)
  const audits = await Promise.all(Object.values(s.drops).map(async (dropId) => {
    const r = await s.owner.GET('/v1/drops/{dropId}/audit', { params: { path: { dropId } } })
    return { dropId, holds: r.data?.invariantHolds === true, status: r.response.status }
  }))
  const auditFailed = audits.filter((a) => !a.holds)
  const confirmedUnits = rows.filter((r) => r.status === 'confirmed').reduce((n, r) => n + r.quantity, 0)
  return {
    intents: intents.length,
    confirmed: acknowledged.size,
    refused,
    confirmedUnits,
    checks: [
      { name: 'lost = 0', ok: missing + unanswered === 0, detail: `${missing} acknowledged orders missing, ${unanswered} intents without a final answer` },
      { name: 'duplicate (user, key) = 0', ok: orphans.length + disagreeing === 0, detail: `${orphans.length} orders no key answered, ${disagreeing} keys with conflicting answers` },
      { name: 'oversell = 0', ok: oversold.length === 0, detail: drops.map((d) => `${d.confirmed}/${d.initialStock}`).join(', ') + ' units confirmed/initial' },
      {
        name: 'ledger invariant', ok: broken.length === 0 && auditFailed.length === 0,
        detail: `initialStock = availableStock + confirmed on ${drops.length - broken.length}/${drops.length} drops; audit endpoint ${audits.length - auditFailed.length}/${audits.length} hold`,
      },
    ],
  }
}
