/**
 * Where the stores are: REDIS_URL / REDIS_CLUSTER_NODES (one server or a cluster) and DATABASE_URL with its pool
 * mode and direct connection (a transaction pooler in front). Read by config.ts; each reader throws a ConfigError
 * naming the variable.
 */
import { bool, ConfigError, type Env } from './lib/env'

export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; username?: string; password?: string; tls: boolean }

function redisNode(raw: string, what: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(raw.trim())
  const port = Number(m?.[2])
  if (!m || port < 1 || port > 65535) throw new ConfigError(`${what}: "${raw}" is not host:port`)
  return { host: m[1].replace(/^\[|\]$/g, ''), port }
}

/**
 * What REDIS_URL names: one server (redis://, rediss://) or a cluster, `redis+cluster://[user:password@]host:port,…`
 * (rediss+cluster:// for TLS) — a list of seed nodes, of which any one that answers is enough to find the rest.
 * Throws ConfigError with the reason for anything else.
 */
export function redisTarget(url: string): RedisTarget {
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/.exec(url)
  if (cluster) {
    const [user, ...pass] = (cluster[2] ?? '').split(':')
    const nodes = cluster[3].split(',').filter((n) => n.trim()).map((n) => redisNode(n, 'REDIS_URL (cluster)'))
    if (!nodes.length) throw new ConfigError('REDIS_URL names a cluster without nodes')
    return {
      mode: 'cluster',
      nodes,
      username: user ? decodeURIComponent(user) : undefined,
      password: pass.length ? decodeURIComponent(pass.join(':')) : undefined,
      tls: cluster[1] === 'rediss',
    }
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError('REDIS_URL must be redis://host:port, rediss://… or redis+cluster://host:port,host:port,…')
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must be redis://, rediss:// or redis+cluster://, got "${parsed.protocol}//…"`)
  }
  return { mode: 'single', url }
}

/** REDIS_URL, with REDIS_CLUSTER_NODES (a comma-separated host:port list) folded into a redis+cluster:// URL. */
export function redisUrl(env: Env): string | undefined {
  const url = env.REDIS_URL || undefined
  const list = (env.REDIS_CLUSTER_NODES ?? '').split(',').map((n) => n.trim()).filter(Boolean)
  if (!list.length) {
    if (url !== undefined) redisTarget(url)
    return url
  }
  const nodes = list.map((n) => redisNode(n, 'REDIS_CLUSTER_NODES')).map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`))
  if (url === undefined) return `redis+cluster://${nodes.join(',')}`
  const target = redisTarget(url)
  if (target.mode === 'single') {
    throw new ConfigError('REDIS_CLUSTER_NODES names a cluster but REDIS_URL names one server: use REDIS_URL=redis+cluster://… or unset one of them')
  }
  // Seeds from both; the URL keeps the credentials and TLS.
  const m = /^(rediss?\+cluster:\/\/(?:[^@/]*@)?)([^/?#@]+)\/?$/.exec(url)!
  return `${m[1]}${[...new Set([...m[2].split(','), ...nodes])].join(',')}`
}

export function redisKeyPrefix(raw: string | undefined): string {
  const prefix = raw || 'livedrop:'
  // A brace in the prefix would become every key's hash tag in a cluster: all keys in one slot.
  if (/[{}]/.test(prefix)) throw new ConfigError('REDIS_KEY_PREFIX must not contain { or } (Redis Cluster hash tags)')
  return prefix
}

function postgresUrl(name: string, raw: string): URL {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new ConfigError(`${name} must be a postgres:// URL, got "${u.protocol}//…"`)
  return u
}

/**
 * DATABASE_POOL_MODE (session | transaction), or `?pgbouncer=true` on DATABASE_URL (the flag other tools use for
 * a transaction-pooling PgBouncer; removed before the URL reaches postgres.js, which would send it to the server).
 */
export function database(env: Env) {
  let url = env.DATABASE_URL || undefined
  const mode = env.DATABASE_POOL_MODE || undefined
  if (mode !== undefined && mode !== 'session' && mode !== 'transaction') {
    throw new ConfigError(`DATABASE_POOL_MODE must be session or transaction, got "${mode}"`)
  }
  let flagged = false
  if (url !== undefined) {
    const u = postgresUrl('DATABASE_URL', url)
    const flag = u.searchParams.get('pgbouncer')
    if (flag !== null) {
      if (!/^(true|1)$/i.test(flag)) throw new ConfigError(`DATABASE_URL: pgbouncer= must be true, got "${flag}"`)
      flagged = true
      u.searchParams.delete('pgbouncer')
      url = u.toString()
    }
  }
  if (flagged && mode === 'session') throw new ConfigError('DATABASE_URL says pgbouncer=true (transaction pooling) but DATABASE_POOL_MODE=session')
  const poolMode: 'session' | 'transaction' = mode ?? (flagged ? 'transaction' : 'session')
  const directUrl = env.DATABASE_DIRECT_URL || undefined
  if (directUrl !== undefined) {
    if (url === undefined) throw new ConfigError('DATABASE_DIRECT_URL needs DATABASE_URL')
    postgresUrl('DATABASE_DIRECT_URL', directUrl)
  }
  return { url, poolMode, directUrl, prepare: bool(env, 'DATABASE_PREPARE', poolMode === 'session') }
}
