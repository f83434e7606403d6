import { loadConfig } from './config'
import { createLogger } from './logger'
import { resolveBackends } from './boot'
import { createSql, migrate } from './db'
import { applySearchLanguage } from './search/service'

const base = loadConfig()
const log = createLogger(base)
const backends = await resolveBackends(base)
const sql = createSql(backends.config.databaseUrl, backends.config)
const applied = await migrate(sql, log)
if (await applySearchLanguage({ sql }, backends.config.search.language)) console.error(`search columns rebuilt for ${backends.config.search.language}`)
console.error(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date')
await sql.end()
await backends.stop()
