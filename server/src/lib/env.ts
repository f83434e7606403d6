/**
 * Readers of one environment variable each, for config.ts and its helpers: every one answers the value or throws
 * a ConfigError that names the variable and what it must be (a bad setting stops the boot with that message).
 */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>

export function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`)
  return n
}

export function intMax(env: Env, name: string, fallback: number, min: number, max: number): number {
  const n = int(env, name, fallback, min)
  if (n > max) throw new ConfigError(`${name} must be at most ${max}, got "${env[name]}"`)
  return n
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

export function httpUrl(name: string, raw: string): string {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`)
  if (u.search || u.hash || u.username || u.password) throw new ConfigError(`${name} must carry no query, fragment or credentials`)
  return u.toString().replace(/\/+$/, '')
}
