import type { Command } from 'commander'
import { PARAMETERS } from '@livedrop/sdk'
import { UsageError } from './errors'
import { id, int, str } from './parse'
import type { Context } from './context'
import { myCreatorId } from './commands/session'

/** The most rows one list verb shows (it walks as many API pages as that needs). */
const MAX_ROWS = 1000

/** The one `--limit` every list verb takes: how many rows to show, walking as many pages as that needs. */
export const limitOption = (cmd: Command): Command => cmd.option('--limit <n>', `at most this many (default ${PARAMETERS.Limit.default}, up to ${MAX_ROWS})`)

export const parseLimit = (opts: Record<string, unknown>): number => int(str(opts, 'limit'), '--limit', 1, MAX_ROWS) ?? PARAMETERS.Limit.default

/** The contract's largest page, for walks that filter on this side (they read every row anyway). */
export const LARGEST_PAGE = PARAMETERS.Limit.maximum

/** The API's page size for a walk that stops at `limit` rows: never above the contract's largest page. */
export const pageSize = (limit: number): number => Math.min(LARGEST_PAGE, limit)

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

/** Whose items a list shows: one creator's, the caller's own ('me', resolved when the verb runs), or anybody's. */
export type Owner = string | 'me' | undefined

/** What every list verb filtered by owner parses (--mine / --creator, --limit). */
export interface OwnedListOptions {
  creator: Owner
  limit: number
}

/** The creator id to filter by: --mine is the caller's own creator profile (one read of /v1/me). */
export const ownerId = async (ctx: Context, owner: Owner): Promise<string | undefined> => (owner === 'me' ? myCreatorId(ctx) : owner)

/** `--mine` / `--creator <id>`: whose items a list shows. */
export const ownerOptions = (cmd: Command, noun: string): Command =>
  cmd.option('--mine', `only your ${noun}`).option('--creator <creatorId>', `only this creator's ${noun}`)

export function parseOwner(opts: Record<string, unknown>): Owner {
  if (opts.mine && opts.creator) throw new UsageError('use --mine or --creator, not both')
  return opts.mine ? 'me' : opts.creator !== undefined ? id(opts.creator, '--creator') : undefined
}
