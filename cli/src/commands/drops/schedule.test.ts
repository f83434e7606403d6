// The drops verbs against the in-process server (cli/test/in-process.ts); outcomes on stdout/stderr/exit code and rows.
import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freshConfigHome , STACK_LINE } from '../../../test/harness'
import { useInProcessApi } from '../../../test/in-process'

const api = useInProcessApi()

describe('drops schedule', () => {
  test('schedule echoes the resolved UTC time and creates exactly that drop', async () => {
    const m = await api.withProduct()
    const before = Date.now()
    const r = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--ends-at', 'in 3h', '--stock', '500', '--per-user-limit', '2', '--low-stock', '50', '--json'])
    expect(r.code).toBe(0)
    const drop = r.json()
    const startsAt = Date.parse(drop.startsAt)
    expect(startsAt).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000)
    expect(startsAt).toBeLessThanOrEqual(Date.now() + 2 * 3600_000)
    expect(r.stderr).toContain(`Starts at ${new Date(startsAt).toISOString()} (in 2h`)
    const [row] = await api.ctx.deps.sql`select status, initial_stock, available_stock, per_user_limit, low_stock_threshold, starts_at, ends_at from drops where id = ${drop.id}`
    expect(row).toMatchObject({ status: 'scheduled', initialStock: 500, availableStock: 500, perUserLimit: 2, lowStockThreshold: 50 })
    expect(row.startsAt.getTime()).toBe(startsAt)
    expect(row.endsAt.getTime()).toBe(startsAt + 3600_000)
  })

  test('bad input → clear message, the right exit code, and no drop row', async () => {
    const m = await api.withProduct()
    const cases: Array<[string[], number, RegExp]> = [
      [['--product', '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b', '--at', 'in 1h', '--stock', '5'], 5, /product not found \(NOT_FOUND\)/],
      [['--product', m.productId, '--at', '2001-01-01T00:00:00Z', '--stock', '5'], 2, /in the past \(USAGE\)/],
      [['--product', m.productId, '--at', 'in 1h', '--stock', '0'], 2, /--stock must be between 1 and 1000000, got 0 \(USAGE\)/],
    ]
    for (const [args, code, message] of cases) {
      const r = await m.run(['drops', 'schedule', ...args])
      expect({ args, code: r.code }).toEqual({ args, code })
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(STACK_LINE)
      expect(r.stdout).toBe('')
    }
    expect(await api.countDrops(m.creatorId)).toBe(0)
  })

  test('schedule --queue: the waiting room and its settings reach the drop; stray or bad queue flags are usage errors', async () => {
    const m = await api.withProduct()
    const r = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--stock', '500', '--queue', '--admit-per-second', '25', '--pre-queue', '600', '--admission-ttl', '90', '--challenge', 'pow', '--difficulty', '20000', '--json'])
    expect(r.code).toBe(0)
    expect(r.json().access).toEqual({ mode: 'queue', admitPerSecond: 25, preQueueSeconds: 600, admissionTtlSeconds: 90, challenge: 'pow', challengeDifficulty: 20000 })
    expect(r.stderr).toContain('waiting room: 25 buyers/s, line opens 600s before the start, 90s to order once admitted, proof of work (difficulty 20000)')
    const [row] = await api.ctx.deps.sql`select access_mode, admit_per_second, pre_queue_seconds, admission_ttl_seconds, access_challenge, challenge_difficulty from drops where id = ${r.json().id}`
    expect(row).toEqual({ accessMode: 'queue', admitPerSecond: 25, preQueueSeconds: 600, admissionTtlSeconds: 90, accessChallenge: 'pow', challengeDifficulty: 20000 })
    // Only --queue: the contract's defaults.
    const plain = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 2h', '--stock', '5', '--queue', '--json'])
    expect(plain.code).toBe(0)
    expect(plain.json().access).toMatchObject({ mode: 'queue', admitPerSecond: 10, preQueueSeconds: 900, admissionTtlSeconds: 120, challenge: 'none' })
    const created = await api.countDrops(m.creatorId)

    const cases: Array<[string[], RegExp]> = [
      [['--admit-per-second', '5'], /--admit-per-second needs --queue \(a waiting room for the drop\) \(USAGE\)/],
      [['--pre-queue', '60', '--challenge', 'pow'], /--pre-queue, --challenge need --queue/],
      [['--queue', '--admit-per-second', '0'], /--admit-per-second must be between 1 and 10000, got 0/],
      [['--queue', '--admit-per-second', 'fast'], /--admit-per-second must be a whole number, got "fast"/],
      [['--queue', '--admission-ttl', '5'], /--admission-ttl must be between 10 and 3600, got 5/],
      [['--queue', '--pre-queue', '90000'], /--pre-queue must be between 0 and 86400, got 90000/],
      [['--queue', '--challenge', 'captcha'], /--challenge must be pow or none, got "captcha"/],
      [['--queue', '--difficulty', '100'], /--difficulty needs --challenge pow/],
    ]
    for (const [flags, message] of cases) {
      const bad = await m.run(['drops', 'schedule', '--product', m.productId, '--at', 'in 1h', '--stock', '5', ...flags])
      expect({ flags, code: bad.code }).toEqual({ flags, code: 2 })
      expect(bad.stderr).toMatch(message)
      expect(bad.stderr).not.toMatch(STACK_LINE)
      expect(bad.stdout).toBe('')
    }
    expect(await api.countDrops(m.creatorId)).toBe(created)
  })

  test('schedule --file: validates every entry before creating any', async () => {
    const m = await api.withProduct()
    const dir = freshConfigHome()
    const write = (name: string, body: string) => {
      const p = join(dir, name)
      writeFileSync(p, body)
      return p
    }
    const good = { productId: m.productId, startsAt: 'in 1h', initialStock: 10 }

    const malformed = await m.run(['drops', 'schedule', '--file', write('bad.json', '[{"productId": ')])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(/bad\.json is not valid JSON/)

    const mixed = await m.run(['drops', 'schedule', '--file', write('mixed.json', JSON.stringify([good, { ...good, initialStock: 0 }, { ...good, startsAt: 'last year' }, { ...good, colour: 'red' }]))])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('nothing was scheduled, 3 problems')
    expect(mixed.stderr).toContain('[1].initialStock must be between 1 and 1000000, got 0')
    expect(mixed.stderr).toMatch(/\[2\]\.startsAt: "last year" is .* in the past/)
    expect(mixed.stderr).toContain('[3].colour is not a drop field')

    const unknownProduct = await m.run(['drops', 'schedule', '--file', write('unknown.json', JSON.stringify([good, { ...good, productId: '0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b' }]))])
    expect(unknownProduct.code).toBe(5)
    expect(unknownProduct.stderr).toContain('product 0193a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b does not exist')

    const other = await api.creatorMachine()
    const theirs = (await other.run(['products', 'create', '--title', 'Theirs', '--price-cents', '1', '--currency', 'EUR'])).stdout.trim()
    const notMine = await m.run(['drops', 'schedule', '--file', write('theirs.json', JSON.stringify([good, { ...good, productId: theirs }]))])
    expect(notMine.code).toBe(1)
    expect(notMine.stderr).toContain(`product ${theirs} ("Theirs") is not yours`)

    expect(await api.countDrops(m.creatorId)).toBe(0)

    const ok = await m.run(['drops', 'schedule', '--file', write('ok.json', JSON.stringify([good, { ...good, startsAt: 'tomorrow 18:00', endsAt: 'tomorrow 19:00', perUserLimit: 1 }])), '--json'])
    expect(ok.code).toBe(0)
    const created = ok.json()
    expect(created).toHaveLength(2)
    expect(await api.countDrops(m.creatorId)).toBe(2)
    expect(created[1].perUserLimit).toBe(1)

    const viaStdin = await m.run(['drops', 'schedule', '--file', '-'], { stdin: JSON.stringify([good]) })
    expect(viaStdin.code).toBe(0)
    expect(viaStdin.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/)
    expect(await api.countDrops(m.creatorId)).toBe(3)
  })
})
