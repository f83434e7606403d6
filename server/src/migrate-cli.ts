import { loadConfig } from './config'
import { createLogger } from './logger'
import { resolveBackends } from './boot'
import { createSql } from './db'
import { prepareSchema } from './schema'

const base = loadConfig()
const log = createLogger(base)
const backends = await resolveBackends(base)
const sql = createSql(backends.config.databaseUrl, backends.config)
// Through the direct connection when the pool is behind a transaction pooler (DATABASE_DIRECT_URL), as npm start does.
const { applied, searchRebuilt } = await prepareSchema(backends.config, sql, log)
if (searchRebuilt) console.error(`search columns rebuilt for ${backends.config.search.language}`)
console.error(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date')
await sql.end()
await backends.stop()
