import type { Config } from './config'
import { createSql, directSqlUrl, migrate, type Sql } from './db'
import type { Logger } from './logger'
import { applySearchLanguage } from './search/service'

/**
 * Brings the database's schema to what this build expects: the migrations, then the search columns' language
 * (a rebuild only when SEARCH_LANGUAGE changed). Both are DDL, which takes the direct connection when there is
 * one — its locks are no business of a transaction pooler — and the pool otherwise. For `npm start` and
 * `npm run migrate` alike. → the migrations applied now, and whether the search columns were rebuilt.
 */
export async function prepareSchema(config: Config & { databaseUrl: string }, pool: Sql, log?: Logger): Promise<{ applied: string[]; searchRebuilt: boolean }> {
  const url = directSqlUrl(config)
  const direct = url === null || url === config.databaseUrl ? null : createSql(url, { ...config, dbPoolMax: 1, dbPoolMode: 'session', dbPrepare: true })
  const sql = direct ?? pool
  try {
    const applied = await migrate(sql, log)
    const searchRebuilt = await applySearchLanguage({ sql }, config.search.language)
    return { applied, searchRebuilt }
  } finally {
    await direct?.end({ timeout: 5 })
  }
}
