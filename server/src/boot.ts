import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Config } from './config'
import { startEmbeddedPostgres } from './embedded'

/**
 * Fills in what the zero set-up mode provides: an embedded PostgreSQL when DATABASE_URL is absent, and a
 * generated JWT secret kept next to its data so tokens survive restarts.
 */
export async function resolveBackends(config: Config): Promise<{ config: Config & { databaseUrl: string; jwtSecret: string }; embedded: boolean; stop: () => Promise<void> }> {
  if (config.databaseUrl) {
    return { config: { ...config, databaseUrl: config.databaseUrl, jwtSecret: config.jwtSecret! }, embedded: false, stop: async () => {} }
  }
  const dir = resolve(config.dataDir)
  mkdirSync(dir, { recursive: true })
  const secretFile = join(dir, 'jwt-secret')
  if (!config.jwtSecret && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(48).toString('base64url'), { mode: 0o600 })
  const jwtSecret = config.jwtSecret ?? readFileSync(secretFile, 'utf8').trim()
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pgdata'), port: config.embeddedPgPort, database: 'livedrop' })
  return { config: { ...config, databaseUrl: pg.url, jwtSecret }, embedded: true, stop: pg.stop }
}
