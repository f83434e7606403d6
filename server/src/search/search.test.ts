import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerUser, unique, type ApiResponse } from '../../test/helpers'
import { loadConfig, ConfigError } from '../config'
import { applySearchLanguage, search } from './service'

const ctx = createTestContext()
const { api, deps } = ctx
afterAll(() => ctx.close())

/**
 * A word no other test (nor earlier runs in the same database) uses: letters only, no vowels, so that the
 * English stemmer leaves it as it is.
 */
const word = () => 'zq' + Array.from({ length: 7 }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('')

async function creator(opts: { handle?: string; displayName?: string } = {}) {
  const u = await registerUser(api)
  const res = await api('POST', '/v1/creators', { token: u.accessToken, body: { handle: opts.handle ?? unique('h').toLowerCase(), displayName: opts.displayName ?? 'Test Creator' } })
  expect(res.status).toBe(201)
  return { token: u.accessToken, creator: res.body as { id: string; handle: string } }
}

async function product(token: string, body: { title: string; description?: string; priceCents?: number }) {
  const res = await api('POST', '/v1/products', { token, body: { priceCents: 1000, currency: 'EUR', ...body } })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

async function drop(token: string, productId: string, startsInMs = 3600_000) {
  const res = await api('POST', '/v1/drops', { token, body: { productId, startsAt: new Date(Date.now() + startsInMs).toISOString(), initialStock: 5 } })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

const find = (params: Record<string, string | number>, headers?: Record<string, string>): Promise<ApiResponse> =>
  api('GET', `/v1/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`, { headers })

async function ids(params: Record<string, string | number>): Promise<string[]> {
  const res = await find(params)
  expect(res.status).toBe(200)
  return res.body.items.map((i: { id: string }) => i.id)
}

describe('ranking', () => {
  test('a title match beats a match in the creator name, which beats a match in the description', async () => {
    const w = word()
    const a = await creator()
    const named = await creator({ displayName: `Studio ${w}` })
    const inDescription = await product(a.token, { title: 'Plain hoodie', description: `Made for ${w} fans, heavy cotton.` })
    const inName = await product(named.token, { title: 'Plain cap' })
    const inTitle = await product(a.token, { title: `The ${w} hoodie` })
    const res = await find({ q: w, type: 'product' })
    expect(res.status).toBe(200)
    expect(res.body.items.map((i: any) => i.id)).toEqual([inTitle.id, inName.id, inDescription.id])
    const ranks = res.body.items.map((i: any) => i.rank)
    expect(ranks[0]).toBeGreaterThan(ranks[1])
    expect(ranks[1]).toBeGreaterThan(ranks[2])
    expect(res.body.items[0]).toMatchObject({ type: 'product', productId: inTitle.id, creatorId: a.creator.id, priceCents: 1000, currency: 'EUR', status: null })
    expect(res.body.items[0].snippet).toContain(`<mark>${w}</mark>`)
  })

  test('without a type, creators, products and drops are all found', async () => {
    const w = word()
    const c = await creator({ handle: w, displayName: `${w} studio` })
    const p = await product(c.token, { title: `${w} poster` })
    const d = await drop(c.token, p.id)
    const res = await find({ q: w })
    const byType = Object.fromEntries(res.body.items.map((i: any) => [i.type, i.id]))
    expect(byType).toEqual({ creator: c.creator.id, product: p.id, drop: d.id })
    const dropItem = res.body.items.find((i: any) => i.type === 'drop')
    expect(dropItem).toMatchObject({ productId: p.id, status: 'scheduled', creatorHandle: w, priceCents: 1000 })
  })
})

describe('query syntax', () => {
  test('"quoted phrases" must appear as written and -word excludes', async () => {
    const [w1, w2, w3] = [word(), word(), word()]
    const { token } = await creator()
    const inOrder = await product(token, { title: `${w1} ${w2} tee` })
    const reversed = await product(token, { title: `${w2} ${w1} tee ${w3}` })
    expect((await ids({ q: `${w1} ${w2}`, type: 'product' })).sort()).toEqual([inOrder.id, reversed.id].sort())
    expect(await ids({ q: `"${w1} ${w2}"`, type: 'product' })).toEqual([inOrder.id])
    expect(await ids({ q: `${w1} -${w3}`, type: 'product' })).toEqual([inOrder.id])
    expect(await ids({ q: `${w3} or nothingmatchesthis`, type: 'product' })).toEqual([reversed.id])
  })

  test('the last word matches as a prefix while typed; a trailing space makes it a whole word', async () => {
    const w = word()
    const { token } = await creator()
    const p = await product(token, { title: `${w} sneaker` })
    expect(await ids({ q: w.slice(0, 7), type: 'product' })).toEqual([p.id])
    expect(await ids({ q: `sneaker ${w.slice(0, 6)}`, type: 'product' })).toEqual([p.id])
    // With an operator in the query there is no typo path (which would find the close word anyway): what
    // matches is the prefix alone, and only while the word is being typed.
    expect(await ids({ q: `-${word()} ${w.slice(0, 7)}`, type: 'product' })).toEqual([p.id])
    expect(await ids({ q: `-${word()} ${w.slice(0, 7)} `, type: 'product' })).toEqual([])
    const res = await find({ q: w.slice(0, 7), type: 'product' })
    expect(res.body.items[0].snippet).toContain(`<mark>${w}</mark>`)
  })

  test('a typo still finds a creator by handle and a product by title word', async () => {
    const w = word()
    const typo = w.slice(0, 4) + (w[4] === 'b' ? 'c' : 'b') + w.slice(5)
    const c = await creator({ handle: w })
    const p = await product(c.token, { title: `Limited ${w} jacket` })
    expect(await ids({ q: `${typo} `, type: 'creator' })).toEqual([c.creator.id])
    expect(await ids({ q: `${typo} `, type: 'product' })).toEqual([p.id])
    // Close words are only looked for when nothing matches as written.
    const exact = await product(c.token, { title: `Limited ${typo} jacket` })
    expect(await ids({ q: `${typo} `, type: 'product' })).toEqual([exact.id])
  })

  test('the snippet is HTML-safe: source markup is escaped, only <mark> is markup', async () => {
    const w = word()
    const { token } = await creator()
    await product(token, { title: 'Zine', description: `<script>alert("x")</script> & 'quotes' \uE000fake\uE001 ${w} <b>bold</b>` })
    const res = await find({ q: w, type: 'product' })
    const snippet: string = res.body.items[0].snippet
    expect(snippet).toContain('Zine — &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; fake')
    expect(snippet).toContain(`<mark>${w}</mark>`)
    expect(snippet).toContain('&lt;b&gt;bold')
    expect(snippet.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>]/)
    expect(snippet).not.toMatch(/[\uE000\uE001]/)
    expect(snippet).toContain('fake')
  })
})

describe('filters', () => {
  test('status, creator, price range and start window select drops; inapplicable filters narrow the kinds', async () => {
    const w = word()
    const a = await creator()
    const b = await creator()
    const cheap = await product(a.token, { title: `${w} cheap`, priceCents: 500 })
    const dear = await product(b.token, { title: `${w} dear`, priceCents: 5000 })
    const soon = await drop(a.token, cheap.id, 3600_000)
    const later = await drop(b.token, dear.id, 48 * 3600_000)
    await api('POST', `/v1/drops/${later.id}/cancel`, { token: b.token })
    const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString()

    expect((await ids({ q: w, type: 'drop' })).sort()).toEqual([soon.id, later.id].sort())
    expect(await ids({ q: w, type: 'drop', status: 'scheduled' })).toEqual([soon.id])
    expect(await ids({ q: w, type: 'drop', status: 'cancelled' })).toEqual([later.id])
    expect(await ids({ q: w, type: 'drop', creatorId: b.creator.id })).toEqual([later.id])
    expect(await ids({ q: w, type: 'product', creatorId: a.creator.id })).toEqual([cheap.id])
    expect(await ids({ q: w, type: 'product', priceMin: 1000 })).toEqual([dear.id])
    expect(await ids({ q: w, type: 'product', priceMax: 500 })).toEqual([cheap.id])
    expect(await ids({ q: w, type: 'drop', priceMin: 500, priceMax: 500 })).toEqual([soon.id])
    expect(await ids({ q: w, type: 'drop', startsAfter: inHours(24) })).toEqual([later.id])
    expect(await ids({ q: w, type: 'drop', startsBefore: inHours(24) })).toEqual([soon.id])
    expect(await ids({ q: w, type: 'drop', startsAfter: inHours(2), startsBefore: inHours(24) })).toEqual([])
    // No type: a drop-only filter leaves only drops; a price filter drops and products.
    const statusOnly = (await find({ q: w, status: 'scheduled' })).body.items
    expect(statusOnly.map((i: any) => [i.type, i.id])).toEqual([['drop', soon.id]])
    const priced = (await find({ q: w, priceMin: 1000 })).body.items
    expect(priced.map((i: any) => i.type).sort()).toEqual(['drop', 'product'])
  })
})

describe('pagination', () => {
  test('pages are stable while rows are inserted between them: no row repeats, none is skipped', async () => {
    const w = word()
    const { token } = await creator()
    const originals: string[] = []
    for (let i = 0; i < 6; i++) originals.push((await product(token, { title: `${w} title ${i}` })).id)
    for (let i = 0; i < 9; i++) originals.push((await product(token, { title: `Item ${i}`, description: `about ${w}` })).id)
    const seen: string[] = []
    const ranks: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res: ApiResponse = await find({ q: w, type: 'product', limit: 4, ...(cursor ? { cursor } : {}) })
      expect(res.status).toBe(200)
      for (const item of res.body.items) {
        seen.push(item.id)
        ranks.push(item.rank)
      }
      cursor = res.body.nextCursor
      pages++
      // Between pages: better matches and equal matches arrive (they sort before the position already reached).
      await product(token, { title: `${w} new title ${pages}` })
      await product(token, { title: `New ${pages}`, description: `about ${w}` })
    } while (cursor && pages < 20)
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of originals) expect(seen).toContain(id)
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x))
  })

  test('a cursor is tied to its query and filters', async () => {
    const w = word()
    const { token } = await creator()
    for (let i = 0; i < 3; i++) await product(token, { title: `${w} ${i}` })
    const first = await find({ q: w, type: 'product', limit: 1 })
    expect(first.body.nextCursor).toEqual(expect.any(String))
    // The same query with its parameters in another order is the same query.
    const again = await api('GET', `/v1/search?limit=1&type=product&cursor=${first.body.nextCursor}&q=${w}`)
    expect(again.status).toBe(200)
    const other = await find({ q: `${w} x`, type: 'product', cursor: first.body.nextCursor })
    expect(other.status).toBe(400)
    expect(other.body.code).toBe('INVALID_CURSOR')
    const forged = await find({ q: w, cursor: Buffer.from('[1,"x"]').toString('base64url') })
    expect(forged.body.code).toBe('INVALID_CURSOR')
  })
})

describe('freshness and caching', () => {
  test('a PATCHed product and a cancelled drop show in the very next search (cached answers are replaced)', async () => {
    const [before, after] = [word(), word()]
    const { token } = await creator()
    const p = await product(token, { title: `${before} bag` })
    const d = await drop(token, p.id)
    // Warm the cache with the answers the change must replace.
    expect(await ids({ q: before, type: 'product' })).toEqual([p.id])
    expect(await ids({ q: before, type: 'drop', status: 'scheduled' })).toEqual([d.id])
    expect(await ids({ q: after, type: 'product' })).toEqual([])
    const patched = await api('PATCH', `/v1/products/${p.id}`, { token, body: { title: `${after} bag` } })
    expect(patched.status).toBe(200)
    expect(await ids({ q: before, type: 'product' })).toEqual([])
    expect(await ids({ q: after, type: 'product' })).toEqual([p.id])
    expect(await ids({ q: after, type: 'drop', status: 'scheduled' })).toEqual([d.id])
    expect((await api('POST', `/v1/drops/${d.id}/cancel`, { token })).status).toBe(200)
    expect(await ids({ q: after, type: 'drop', status: 'scheduled' })).toEqual([])
    expect(await ids({ q: after, type: 'drop', status: 'cancelled' })).toEqual([d.id])
    // The stored vector is the generated column of the row itself: changed by the same statement.
    const [row] = await deps.sql`select search_doc @@ websearch_to_tsquery('english', ${after}) as hit from products where id = ${p.id}`
    expect(row.hit).toBe(true)
  })

  test('answers carry an ETag and a matching If-None-Match is 304', async () => {
    const w = word()
    const { token } = await creator()
    await product(token, { title: w })
    const first = await find({ q: w })
    const etag = first.headers.get('etag')!
    expect(etag).toBeTruthy()
    const second = await find({ q: w }, { 'if-none-match': etag })
    expect(second.status).toBe(304)
  })
})

describe('bad input → 400 problem+json naming the parameter', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['q over 200 characters', { q: 'a'.repeat(201) }, 'INVALID_PARAMETER', 'q'],
    ['an empty q', { q: '' }, 'INVALID_PARAMETER', 'q'],
    ['a blank q', { q: '   ' }, 'INVALID_PARAMETER', 'q'],
    ['only exclusions', { q: '-red -blue' }, 'INVALID_PARAMETER', 'q'],
    ['an unknown type', { q: 'hoodie', type: 'shop' }, 'INVALID_PARAMETER', 'type'],
    ['an unknown status', { q: 'hoodie', status: 'soon' }, 'INVALID_PARAMETER', 'status'],
    ['priceMin above priceMax', { q: 'hoodie', priceMin: '500', priceMax: '100' }, 'INVALID_PARAMETER', 'priceMin'],
    ['a negative price', { q: 'hoodie', priceMin: '-1' }, 'INVALID_PARAMETER', 'priceMin'],
    ['a price that is not a number', { q: 'hoodie', priceMax: 'ten' }, 'INVALID_PARAMETER', 'priceMax'],
    ['a malformed time', { q: 'hoodie', startsAfter: 'tomorrow' }, 'INVALID_PARAMETER', 'startsAfter'],
    ['30 February', { q: 'hoodie', startsBefore: '2030-02-30T00:00:00Z' }, 'INVALID_PARAMETER', 'startsBefore'],
    ['an empty window', { q: 'hoodie', startsAfter: '2030-01-02T00:00:00Z', startsBefore: '2030-01-01T00:00:00Z' }, 'INVALID_PARAMETER', 'startsAfter'],
    ['a malformed creatorId', { q: 'hoodie', creatorId: 'nope' }, 'INVALID_PARAMETER', 'creatorId'],
    ['a drop filter on products', { q: 'hoodie', type: 'product', status: 'live' }, 'INVALID_PARAMETER', 'status'],
    ['a price filter on creators', { q: 'hoodie', type: 'creator', priceMax: '100' }, 'INVALID_PARAMETER', 'priceMax'],
    ['a garbage cursor', { q: 'hoodie', cursor: 'garbage' }, 'INVALID_CURSOR', 'cursor'],
  ]
  for (const [name, params, code, field] of cases) {
    test(name, async () => {
      const res = await find(params)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.code).toBe(code)
      expect(res.body.errors.map((e: { field: string }) => e.field.replace(/^\/?(query\/)?/, ''))).toContain(field)
    })
  }

  test('a missing q', async () => {
    const res = await api('GET', '/v1/search?type=drop')
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('INVALID_PARAMETER')
  })
})

describe('language setting', () => {
  test('SEARCH_LANGUAGE is validated at load and applied to the stored vectors and the queries', async () => {
    expect(loadConfig({ NODE_ENV: 'test', SEARCH_LANGUAGE: 'simple' }).search.language).toBe('simple')
    expect(() => loadConfig({ NODE_ENV: 'test', SEARCH_LANGUAGE: "english'; drop table products; --" })).toThrow(ConfigError)
    await expect(applySearchLanguage(deps, 'klingon')).rejects.toThrow(/klingon/)

    const w = word()
    const { token } = await creator()
    const p = await product(token, { title: `${w} running boots` })
    const lexemes = async () => (await deps.sql`select tsvector_to_array(search_doc) as l from products where id = ${p.id}`)[0].l as string[]
    // English stems "boots" to "boot": excluding "-boot" excludes the product. 'simple' does not stem.
    const q = { q: `${w} -boot`, type: 'product' as const, limit: 5 }
    expect(await lexemes()).toContain('boot')
    expect((await search(deps, q)).items).toEqual([])
    try {
      expect(await applySearchLanguage(deps, 'simple')).toBe(true)
      expect(await applySearchLanguage(deps, 'simple')).toBe(false)
      expect(await lexemes()).toContain('boots')
      expect((await search(deps, q)).items.map((i) => i.id)).toEqual([p.id])
      expect((await search(deps, { ...q, q: `${w} -boots` })).items).toEqual([])
    } finally {
      expect(await applySearchLanguage(deps, 'english')).toBe(true)
    }
    expect(await lexemes()).toContain('boot')
    expect((await search(deps, q)).items).toEqual([])
  })
})
