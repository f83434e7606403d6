import { AppError } from '../errors'

/**
 * What the search statement needs from the user's text. PostgreSQL parses the web-search syntax itself
 * (`websearch_to_tsquery` never fails on user input); this only splits off the word being typed, so that it
 * can also match as a prefix, and finds the plain words the trigram (typo) matching compares against.
 */
export interface ParsedQuery {
  /** the whole query, trimmed: what `websearch_to_tsquery` parses when there is no prefix word */
  text: string
  /** with a prefix word: the query before it (parsed by `websearch_to_tsquery`) */
  head: string
  /** the last word, letters and digits only, to match as typed so far (`word:*`); null when there is none */
  prefix: string | null
  /** the prefix word follows `or`: it is an alternative to the head rather than one more required word */
  prefixIsAlternative: boolean
  /**
   * For typo tolerance (trigram similarity): the query's words when it has no operators, else null. Similarity
   * knows no phrases, exclusions or alternatives, so a query that uses them is answered by full-text matching
   * only (a typo path would let "-word" through).
   */
  plain: string | null
  /** the query is one word without operators: the only kind whose typos are looked for in titles (see repo.ts) */
  singleWord: boolean
}

export const MAX_QUERY_LENGTH = 200

const invalidQ = (message: string) =>
  new AppError('INVALID_PARAMETER', `q: ${message}`, { errors: [{ field: 'q', message }] })

/** Letters and digits only: the prefix word is spliced into to_tsquery's syntax, where anything else is an operator. */
const BARE_WORD = /^[\p{L}\p{N}]+$/u

export function parseQuery(raw: string): ParsedQuery {
  const text = raw.trim()
  if (text.length === 0) throw invalidQ('must contain a word, not only spaces')
  if (text.length > MAX_QUERY_LENGTH) throw invalidQ(`at most ${MAX_QUERY_LENGTH} characters`)

  // The words looked for: every word of a quoted phrase, and every unquoted word not excluded with "-".
  const positive: string[] = []
  const phrases = [...text.matchAll(/"([^"]*)"?/g)]
  for (const m of phrases) positive.push(...m[1].split(/\s+/).filter(Boolean))
  const unquoted = text.replace(/"[^"]*"?/g, ' ').split(/\s+/).filter(Boolean)
  for (const w of unquoted) if (!w.startsWith('-') && w.toLowerCase() !== 'or') positive.push(w)
  // "-red" alone asks for everything without "red": no index can answer that, and it finds nothing in particular.
  if (positive.length === 0) throw invalidQ('needs at least one word to look for (not only excluded "-words")')

  const tokens = text.split(/\s+/)
  const last = tokens[tokens.length - 1]
  // As-you-type: the last word is still being typed unless a space follows it, it is inside an unclosed quote,
  // or it is an exclusion or an operator.
  const inOpenQuote = (text.match(/"/g)?.length ?? 0) % 2 === 1
  const typing = raw.length === raw.trimEnd().length && !inOpenQuote && BARE_WORD.test(last) && last.toLowerCase() !== 'or'
  const before = tokens.slice(0, -1)
  const prefixIsAlternative = typing && before.length > 1 && before[before.length - 1].toLowerCase() === 'or'
  return {
    text,
    head: typing ? (prefixIsAlternative ? before.slice(0, -1) : before).join(' ') : '',
    prefix: typing ? last : null,
    prefixIsAlternative,
    plain: phrases.length === 0 && positive.length === unquoted.length ? text : null,
    singleWord: phrases.length === 0 && unquoted.length === 1 && !unquoted[0].startsWith('-'),
  }
}
