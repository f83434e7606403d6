import type { SearchQuery, SearchResult } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import { UsageError } from '../errors'
import { formatMoney, table, type Palette } from '../output'
import { limitOption, ownerId, ownerOptions, pageSize, parseLimit, parseOwner, take, type Owner } from '../list'
import { int, str } from '../parse'
import { formatLocal, parseWhen } from '../time'
import { paintStatus } from './drops/show'

export interface SearchOptions {
  q: string
  type?: string
  status?: string
  creator?: Owner
  startsAfter?: string
  startsBefore?: string
  priceMin?: number
  priceMax?: number
  limit: number
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/** The API's HTML-safe snippet for a terminal: matches in bold, entities decoded (the contract's two tags and five entities). */
export function snippetText(snippet: string, c: Palette): string {
  return snippet
    .replace(/\s+/g, ' ')
    .split(/(<mark>.*?<\/mark>)/)
    .map((part) => {
      const m = /^<mark>(.*)<\/mark>$/.exec(part)
      const text = (m ? m[1] : part).replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e])
      return m ? c.bold(text) : text
    })
    .join('')
}

export const search = defineCommand<SearchOptions>({
  name: 'search <query>',
  summary: 'Search drops, products and creators',
  description:
    'Full-text search, best match first. The query takes web-search syntax: "a phrase" in quotes, -word to exclude, ' +
    'or between alternatives; the last word also matches as a prefix, and close spellings of titles and handles match. ' +
    'The server checks the query and the filters (type: drop, product or creator; status: a drop status).',
  examples: [
    'livedrop search hoodie',
    'livedrop search "tour hoodie" --type drop --status scheduled',
    'livedrop search \'"black hoodie" -kids\' --type product --max-price-cents 5000',
    'livedrop search sneak --type drop --after "tomorrow" --before "in 7 days" --json',
  ],
  configure: (cmd) =>
    void limitOption(
      ownerOptions(cmd.option('--type <type>', 'only drops, products or creators (drop, product, creator)').option('--status <status>', 'only drops in this status'), 'drops and products')
        .option('--after <time>', 'only drops starting after this time')
        .option('--before <time>', 'only drops starting before this time')
        .option('--min-price-cents <n>', 'only drops and products priced at least this, in minor units')
        .option('--max-price-cents <n>', 'only drops and products priced at most this, in minor units'),
    ),
  parse({ args, opts, penv }) {
    const q = String(args[0] ?? '')
    if (q.trim() === '') throw new UsageError('a query is required', 'Example: livedrop search hoodie')
    const after = str(opts, 'after')
    const before = str(opts, 'before')
    return {
      q,
      type: str(opts, 'type'),
      status: str(opts, 'status'),
      creator: parseOwner(opts),
      startsAfter: after === undefined ? undefined : parseWhen(after, '--after', penv.now).toISOString(),
      startsBefore: before === undefined ? undefined : parseWhen(before, '--before', penv.now).toISOString(),
      priceMin: int(str(opts, 'minPriceCents'), '--min-price-cents', 0, 100_000_000),
      priceMax: int(str(opts, 'maxPriceCents'), '--max-price-cents', 0, 100_000_000),
      limit: parseLimit(opts),
    }
  },
  async run(ctx, o) {
    const creatorId = await ownerId(ctx, o.creator)
    const query = {
      q: o.q, type: o.type, status: o.status, creatorId, startsAfter: o.startsAfter, startsBefore: o.startsBefore,
      priceMin: o.priceMin, priceMax: o.priceMax, limit: pageSize(o.limit),
    } as SearchQuery
    const items: SearchResult[] = await take(ctx.sdk().paginate('/v1/search', { params: { query } }), o.limit)
    const c = ctx.out
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'TYPE', value: (r) => r.type },
            { header: 'MATCH', value: (r) => snippetText(r.snippet, c) },
            { header: 'CREATOR', value: (r) => `@${r.creatorHandle}` },
            { header: 'PRICE', value: (r) => (r.priceCents === null || r.currency === null ? '' : formatMoney(r.priceCents, r.currency)), align: 'right' },
            { header: 'STATUS', value: (r) => (r.status ? paintStatus(r.status, c) : '') },
            { header: 'STARTS', value: (r) => (r.startsAt ? formatLocal(r.startsAt) : '') },
            { header: 'ID', value: (r) => r.id },
          ], c))
    if (items.length === 0 && !ctx.json) ctx.info(`No results for "${o.q}"`)
  },
})

export const searchCommands: CommandGroup = { name: null, summary: 'Search', commands: [search] }
