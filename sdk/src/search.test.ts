import { afterAll, describe, expect, test } from 'bun:test'
import { createSdkContext, unique } from '../test/helpers'
import type { SearchResult } from './index'

const t = createSdkContext()
afterAll(() => t.close())

describe('search through the SDK', () => {
  test('search() answers a typed page; paginate walks every page; bad input is a problem value', async () => {
    const { ld, creatorId } = await t.creator()
    const w = unique('zq').replace(/[^a-z]/g, 'x')
    for (let i = 0; i < 3; i++) expect((await ld.POST('/v1/products', { body: { title: `${w} item ${i}`, priceCents: 100 * (i + 1), currency: 'USD' } })).response.status).toBe(201)

    const { data, error } = await ld.search({ q: w, type: 'product', priceMin: 200 })
    expect(error).toBeUndefined()
    expect(data!.items.map((i) => i.title).sort()).toEqual([`${w} item 1`, `${w} item 2`])
    expect(data!.items.every((i) => i.creatorId === creatorId && i.snippet.includes(`<mark>${w}</mark>`))).toBe(true)

    const all: SearchResult[] = []
    for await (const hit of ld.paginate('/v1/search', { params: { query: { q: w, type: 'product', limit: 1 } } })) all.push(hit)
    expect(all).toHaveLength(3)

    const bad = await ld.search({ q: 'x'.repeat(201) })
    expect(bad.response.status).toBe(400)
    expect(bad.error!.code).toBe('INVALID_PARAMETER')
  })
})
