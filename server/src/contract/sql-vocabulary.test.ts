/**
 * The event names written in SQL are the contract's. Repos keep them as literals on purpose (the planner matches
 * literal predicates against the outbox's partial indexes, `type = 'drop.live'` and `type not in ('order.…')`;
 * bind parameters in a generic plan would not), and migrations are history. So instead of generating them, this
 * test reads them: the outbox's CHECK constraint must list exactly the types the server writes, and every event
 * name quoted anywhere in the server's source must be one the contract (or the outbox's internal list) knows.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { Glob } from 'bun'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ENUMS, EVENT_TYPES } from './vocabulary.gen'
import { DOMAIN_EVENT_TYPES } from '../platform/outbox'
import { createTestContext } from '../../test/helpers'

const ctx = createTestContext()
afterAll(() => ctx.close())

const NAME = /'((?:drop|order|follow|session|stream|queue|webhook)\.[a-z_]+)'/g
const known = new Set<string>([...DOMAIN_EVENT_TYPES, ...Object.values(EVENT_TYPES).flat(), ...ENUMS.WebhookEventType, ...ENUMS.NotificationType])

describe('event names in SQL come from the contract', () => {
  test("the outbox's CHECK constraint lists exactly the types the server writes", async () => {
    const [row] = await ctx.deps.sql<{ def: string }[]>`
      select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'outbox_type_check'`
    const listed = [...row.def.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]).sort()
    expect(listed).toEqual([...DOMAIN_EVENT_TYPES].sort())
  })

  test('every event name quoted in the server source is a known one', () => {
    const root = join(import.meta.dir, '..')
    const unknown: string[] = []
    let seen = 0
    for (const file of new Glob('**/*.ts').scanSync(root)) {
      if (file.endsWith('.test.ts') || file.endsWith('.gen.ts')) continue
      for (const m of readFileSync(join(root, file), 'utf8').matchAll(NAME)) {
        seen++
        if (!known.has(m[1])) unknown.push(`${file}: '${m[1]}'`)
      }
    }
    expect(seen).toBeGreaterThan(30) // the scan reads the repos' SQL, not nothing
    expect(unknown).toEqual([])
  })
})
