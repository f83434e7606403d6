import type postgres from 'postgres'
import type { Sql, Tx } from '../db'
import type { ParsedQuery } from './query'
import type { SearchResultType } from '../contract/schemas.gen'

export type SearchType = SearchResultType
export type SearchMode = 'exact' | 'typo'

export interface SearchFilters {
  status?: string
  creatorId?: string
  startsAfter?: string
  startsBefore?: string
  priceMin?: number
  priceMax?: number
}

export interface SearchRow {
  type: SearchType
  id: string
  title: string
  rank: number
  snippet: string
  creatorId: string
  creatorHandle: string
  creatorDisplayName: string
  productId: string | null
  priceCents: number | null
  currency: string | null
  status: string | null
  startsAt: Date | null
  endsAt: Date | null
}

/**
 * Highlight markers and stand-ins: private-use code points. The source text reaches ts_headline with any
 * private-use code points of its own removed and with `<`, `>` and `&` replaced by stand-ins — the parser
 * would otherwise take `<b>` or `&amp;` for markup and drop it from the excerpt. The service then escapes the
 * excerpt as HTML and turns exactly these code points back into `&lt;`, `&gt;`, `&amp;` and <mark> tags.
 */
export const MARK_START = '\uE000'
export const MARK_END = '\uE001'
export const STAND_IN: Record<string, string> = { '\uE002': '&lt;', '\uE003': '&gt;', '\uE004': '&amp;' }
const TRANSLATE_FROM = '<>&\uE000\uE001\uE002\uE003\uE004'
const TRANSLATE_TO = '\uE002\uE003\uE004'
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

/**
 * One page of matches, best first, after the keyset position `after` ([rank, id] of the last row seen).
 *
 * Two modes. `exact`: full-text matches (`search_doc @@ tq`, the GIN index on the stored vector), ranked by
 * ts_rank with the A/B/C weights; creators also match by trigram similarity of handle or display name (their
 * trigram GIN indexes; a small table). `typo`: drops and products whose title has a word close to the query
 * (`plain <<% title`, strict word similarity ≥ 0.5, pg_trgm's default: one wrong letter in a word of nine),
 * ranked by that similarity. The service asks for `typo` only when `exact` found nothing for a one-word
 * query: a trigram scan of every title for a common word costs more than the whole full-text search, and
 * finds nothing better.
 *
 * Ranking is an integer so that a cursor carries it exactly and the next page recomputes the very same value
 * (same stored vector, same query → same ts_rank; a float through JSON and back could differ in the last bit).
 * The keyset (rank desc, id desc) is a total order, so rows inserted or changed between two pages can appear
 * or move, but never make a page repeat or skip a row that did not change. Drops are reached from matching
 * products through drops_product_idx. The query values come from the one-row CTE `q`, evaluated once.
 */
export async function searchPage(
  sql: Sql | Tx,
  input: { query: ParsedQuery; mode: SearchMode; types: SearchType[]; filters: SearchFilters; after: [number, string] | null; limit: number },
): Promise<SearchRow[]> {
  const { query: pq, filters: f } = input
  const tq =
    pq.prefix === null
      ? sql`websearch_to_tsquery(s.cfg, ${pq.text})`
      : pq.prefixIsAlternative
        ? sql`(websearch_to_tsquery(s.cfg, ${pq.head}) || to_tsquery(s.cfg, ${pq.prefix + ':*'}))`
        : sql`(websearch_to_tsquery(s.cfg, ${pq.head}) && to_tsquery(s.cfg, ${pq.prefix + ':*'}))`
  const typo = input.mode === 'typo'
  const productMatch = typo ? sql`q.plain <<% p.title` : sql`p.search_doc @@ q.tq`
  const productScore = typo ? sql`0.01 * strict_word_similarity(q.plain, p.title)` : sql`ts_rank(p.search_doc, q.tq)`
  const asRank = (score: postgres.PendingQuery<postgres.Row[]>) => sql`least(2000000000, round(1000000 * (${score})))::int`
  // Handles and display names are compared whole (similarity ≥ 0.3); only for queries without operators.
  const fuzzyCreator = pq.plain ? sql`or c.handle % q.plain or c.display_name % q.plain` : sql``

  // Products matching the query, read once for both the product and the drop branch (a query of every kind
  // would otherwise scan the same index and heap pages twice).
  const matched = sql`
    select p.id, p.title, p.description, p.creator_id, p.creator_handle, p.creator_name, p.price_cents, p.currency,
      ${asRank(productScore)} as rank
    from q, products p
    where ${productMatch}`
  const branches = {
    product: sql`
      select 'product' as type, p.id, p.title, p.rank,
        concat_ws(' — ', p.title, nullif(p.description, '')) as doc_text,
        p.creator_id, p.creator_handle, p.creator_name as creator_display_name, p.id as product_id,
        p.price_cents, p.currency::text as currency, null::text as status, null::timestamptz as starts_at, null::timestamptz as ends_at
      from matched p
      where true
        ${f.creatorId ? sql`and p.creator_id = ${f.creatorId}` : sql``}
        ${f.priceMin !== undefined ? sql`and p.price_cents >= ${f.priceMin}` : sql``}
        ${f.priceMax !== undefined ? sql`and p.price_cents <= ${f.priceMax}` : sql``}`,
    drop: sql`
      select 'drop' as type, d.id, p.title, p.rank,
        concat_ws(' — ', p.title, nullif(p.description, '')) as doc_text,
        d.creator_id, p.creator_handle, p.creator_name as creator_display_name, d.product_id,
        d.unit_price_cents as price_cents, d.currency::text as currency, d.status, d.starts_at, d.ends_at
      from matched p join drops d on d.product_id = p.id
      where true
        ${f.creatorId ? sql`and d.creator_id = ${f.creatorId}` : sql``}
        ${f.priceMin !== undefined ? sql`and d.unit_price_cents >= ${f.priceMin}` : sql``}
        ${f.priceMax !== undefined ? sql`and d.unit_price_cents <= ${f.priceMax}` : sql``}
        ${f.status ? sql`and d.status = ${f.status}` : sql``}
        ${f.startsAfter ? sql`and d.starts_at > ${f.startsAfter}::timestamptz` : sql``}
        ${f.startsBefore ? sql`and d.starts_at < ${f.startsBefore}::timestamptz` : sql``}`,
    creator: sql`
      select 'creator' as type, c.id, c.display_name as title,
        ${asRank(sql`ts_rank(c.search_doc, q.tq) + 0.1 * greatest(similarity(c.handle, q.plain), similarity(c.display_name, q.plain))`)} as rank,
        c.display_name || ' @' || c.handle as doc_text,
        c.id as creator_id, c.handle as creator_handle, c.display_name as creator_display_name, null::uuid as product_id,
        null::int as price_cents, null::text as currency, null::text as status, null::timestamptz as starts_at, null::timestamptz as ends_at
      from q, creators c
      where (c.search_doc @@ q.tq ${fuzzyCreator})`,
  }
  // The typo mode has nothing to add for creators: the exact mode already compared them by similarity.
  const types = typo ? input.types.filter((t) => t !== 'creator') : input.types
  if (types.length === 0) return []
  const union = types.map((t) => branches[t]).reduce((acc, b) => sql`${acc} union all ${b}`)

  return sql<SearchRow[]>`
    with s as (select language as cfg from search_settings),
    q as materialized (select s.cfg, ${tq} as tq, ${pq.plain ?? ''}::text as plain from s)
    ${types.some((t) => t !== 'creator') ? sql`, matched as materialized (${matched})` : sql``}
    select r.type, r.id, r.title, r.rank, r.creator_id, r.creator_handle, r.creator_display_name, r.product_id,
      r.price_cents, r.currency, r.status, r.starts_at, r.ends_at,
      ts_headline(q.cfg, translate(r.doc_text, ${TRANSLATE_FROM}, ${TRANSLATE_TO}), q.tq, ${HEADLINE_OPTIONS}) as snippet
    from (
      select * from (${union}) m
      ${input.after ? sql`where (m.rank, m.id) < (${input.after[0]}::int, ${input.after[1]}::uuid)` : sql``}
      order by m.rank desc, m.id desc
      limit ${input.limit + 1}
    ) r, q
    order by r.rank desc, r.id desc`
}

/**
 * Builds the search columns for the configured language (a no-op when they already use it). Fails with
 * PostgreSQL's own message ("text search configuration … does not exist") for a language the server lacks.
 */
export async function setSearchLanguage(sql: Sql, language: string): Promise<boolean> {
  const [row] = await sql<{ rebuilt: boolean }[]>`select search_set_language(${language}::regconfig) as rebuilt`
  return row.rebuilt
}
