import type { Command } from 'commander'
import { int, str } from './parse'

/** The one `--limit` every list verb takes: how many rows to show, walking as many pages as that needs. */
export const limitOption = (cmd: Command): Command => cmd.option('--limit <n>', 'at most this many (default 20, up to 1000)')

export const parseLimit = (opts: Record<string, unknown>): number => int(str(opts, 'limit'), '--limit', 1, 1000) ?? 20

/** The API's page size for a walk that stops at `limit` rows (the contract's maximum page is 100). */
export const pageSize = (limit: number): number => Math.min(100, limit)

/** The first `limit` items of a paginated walk that `keep` accepts; stops fetching pages once it has them. */
export async function take<T>(items: AsyncIterable<T>, limit: number, keep: (item: T) => boolean = () => true): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) {
    if (!keep(item)) continue
    out.push(item)
    if (out.length >= limit) break
  }
  return out
}
