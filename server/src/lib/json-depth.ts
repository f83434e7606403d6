/**
 * How deeply a JSON text nests, found by one linear scan before `JSON.parse` sees it.
 *
 * Why before parsing and hand-rolled: a 64 KiB body of `[[[[…]]]]` parses quickly, but whatever walks the
 * resulting value afterwards (schema validation collecting its errors, logging, serialisers) can cost time
 * quadratic in the depth — 20,000 levels blocked the whole instance for seconds. No request body of this API
 * nests more than a few levels, so a scan that gives up at the first level past the limit makes such bodies
 * cost microseconds. It runs on every JSON body (hot path) and is a dozen lines, so no dependency is worth it.
 */
export const MAX_JSON_DEPTH = 32

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d

/** → true when `text` opens more than `max` nested arrays/objects somewhere (brackets inside strings do not count). */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
  }
  return false
}
