import type { Tx } from '../db'
import { AppError } from '../errors'
import { decodeCursor, toPage } from '../lib/pagination'
import type { SearchPage, SearchResult } from '../contract/schemas.gen'
import { parseQuery } from './query'
import * as repo from './repo'

export interface SearchInput extends repo.SearchFilters {
  q: string
  type?: repo.SearchType
  limit: number
  cursor?: string
}

const ALL_TYPES: repo.SearchType[] = ['drop', 'product', 'creator']
/** Which kinds of result each filter can apply to (a creator has no price, a product no status). */
const APPLIES_TO: Record<keyof repo.SearchFilters, repo.SearchType[]> = {
  status: ['drop'],
  startsAfter: ['drop'],
  startsBefore: ['drop'],
  creatorId: ['drop', 'product'],
  priceMin: ['drop', 'product'],
  priceMax: ['drop', 'product'],
}

const invalid = (field: string, message: string) =>
  new AppError('INVALID_PARAMETER', `${field}: ${message}`, { errors: [{ field, message }] })

function checkFilters(input: SearchInput): repo.SearchType[] {
  const given = (Object.keys(APPLIES_TO) as Array<keyof repo.SearchFilters>).filter((k) => input[k] !== undefined)
  if (input.priceMin !== undefined && input.priceMax !== undefined && input.priceMin > input.priceMax) {
    throw invalid('priceMin', `must not be above priceMax (${input.priceMax})`)
  }
  if (input.startsAfter && input.startsBefore && new Date(input.startsAfter) >= new Date(input.startsBefore)) {
    throw invalid('startsAfter', 'must be before startsBefore')
  }
  if (input.type) {
    const misplaced = given.find((k) => !APPLIES_TO[k].includes(input.type!))
    if (misplaced) throw invalid(misplaced, `does not apply to type=${input.type} (only to ${APPLIES_TO[misplaced].join(' and ')})`)
    return [input.type]
  }
  // No type: search every kind of result that can satisfy all the given filters.
  return ALL_TYPES.filter((t) => given.every((k) => APPLIES_TO[k].includes(t)))
}

/**
 * A cursor is [rank, id, fingerprint]: the fingerprint ties it to the query and filters it was issued for, so
 * a cursor replayed against another query is refused instead of silently starting mid-way through it.
 */
function fingerprint(i: SearchInput): number {
  const what = [i.q, i.type, i.status, i.creatorId, i.startsAfter, i.startsBefore, i.priceMin, i.priceMax]
  return Number(BigInt.asUintN(31, BigInt(Bun.hash(JSON.stringify(what)))))
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** The excerpt HTML-escaped, with only the database's markers turned into <mark> tags (see repo.ts). */
export function renderSnippet(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (c) => ENTITIES[c])
    .replace(/[\uE002-\uE004]/g, (c) => repo.STAND_IN[c])
    .replaceAll(repo.MARK_START, '<mark>')
    .replaceAll(repo.MARK_END, '</mark>')
}

const toResult = (r: repo.SearchRow): SearchResult => ({
  type: r.type,
  id: r.id,
  title: r.title,
  snippet: renderSnippet(r.snippet),
  rank: r.rank,
  creatorId: r.creatorId,
  creatorHandle: r.creatorHandle,
  creatorDisplayName: r.creatorDisplayName,
  productId: r.productId,
  priceCents: r.priceCents,
  currency: r.currency,
  status: r.status as SearchResult['status'],
  startsAt: r.startsAt?.toISOString() ?? null,
  endsAt: r.endsAt?.toISOString() ?? null,
})

const MODES: repo.SearchMode[] = ['exact', 'typo']

export async function search(deps: { sql: Tx }, input: SearchInput): Promise<SearchPage> {
  const query = parseQuery(input.q)
  const types = checkFilters(input)
  const fp = fingerprint(input)
  // [rank, id, fingerprint, mode]: a later page stays in the mode its first page chose.
  const key = decodeCursor(input.cursor, ['int', 'uuid', 'int', 'int'])
  if (key && (key[2] !== fp || MODES[key[3] as number] === undefined)) {
    throw new AppError('INVALID_CURSOR', 'cursor was issued for another query or other filters', {
      errors: [{ field: 'cursor', message: 'cursor of another query' }],
    })
  }
  const { limit } = input
  const filters: repo.SearchFilters = {
    status: input.status, creatorId: input.creatorId, startsAfter: input.startsAfter, startsBefore: input.startsBefore,
    priceMin: input.priceMin, priceMax: input.priceMax,
  }
  const after: [number, string] | null = key ? [key[0] as number, key[1] as string] : null
  let mode: repo.SearchMode = key ? MODES[key[3] as number] : 'exact'
  let rows = await repo.searchPage(deps.sql, { query, mode, types, filters, limit, after })
  // Nothing matches the word as written: look for titles with a close word instead (a typo). One word only: the
  // trigrams of several common words select most titles, and their similarity check costs more than it finds.
  if (!key && rows.length === 0 && query.singleWord) {
    mode = 'typo'
    rows = await repo.searchPage(deps.sql, { query, mode, types, filters, limit, after })
  }
  return toPage(rows, limit, toResult, (r) => [r.rank, r.id, fp, MODES.indexOf(mode)])
}

/** Applies SEARCH_LANGUAGE to the search columns at boot (a rebuild only when it changed). */
export const applySearchLanguage = (deps: { sql: Parameters<typeof repo.setSearchLanguage>[0] }, language: string) =>
  repo.setSearchLanguage(deps.sql, language)
