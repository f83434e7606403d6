import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import type { Tx } from '../db'
import { CACHED, cacheKeys, entryResponse, type Cache } from '../lib/cache'
import { newId } from '../lib/ids'
import { search } from './service'
import { pageOf } from '../lib/pagination'

export const searchRoutes = (deps: { sql: Tx; cache: Cache }) =>
  new Elysia({ prefix: '/v1/search' })
    // Public and hot: answers are cached under the current search epoch (see CACHED.search in lib/cache.ts).
    .get('', async ({ query, request }) => {
      const { q, type, status, creatorId, startsAfter, startsBefore, priceMin, priceMax } = query
      const input = { q, type, status, creatorId, startsAfter, startsBefore, priceMin, priceMax, ...pageOf(query) }
      const epoch = (await deps.cache.get(CACHED.searchEpoch, cacheKeys.searchEpoch, async () => newId())).value
      return entryResponse(await deps.cache.get(CACHED.search, cacheKeys.search(epoch, input), () => search(deps, input)), request)
    }, op.search)
