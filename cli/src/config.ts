import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { CliError } from './errors'

/** One named set of settings and credentials (`--profile`). */
export interface Profile {
  apiUrl?: string
  email?: string
  accessToken?: string
  refreshToken?: string
  /** The signing secret `livedrop listen` signs forwarded events with; made once, kept so the local app's config stays valid. */
  listenSecret?: string
}

export interface ConfigFile {
  profiles: Record<string, Profile>
}

/** `$XDG_CONFIG_HOME/livedrop`, else `~/.config/livedrop` (the XDG base directory default). */
export function configDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config')
  return join(base, 'livedrop')
}

export interface ConfigStore {
  readonly path: string
  read(): ConfigFile
  profile(name: string): Profile
  /** Read-modify-write of one profile; `null` removes it. */
  update(name: string, change: (p: Profile) => Profile | null): void
}

/**
 * config.json holds tokens, so it is created 0600 inside a 0700 folder and replaced atomically (write a temporary
 * file, then rename) so that a crash or two concurrent commands never leave half a file.
 */
export function createConfigStore(dir: string): ConfigStore {
  const path = join(dir, 'config.json')

  function read(): ConfigFile {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} }
      throw new CliError(`cannot read ${path}: ${(err as Error).message}`)
    }
    try {
      const parsed = JSON.parse(text) as Partial<ConfigFile>
      return { profiles: typeof parsed.profiles === 'object' && parsed.profiles ? parsed.profiles : {} }
    } catch {
      throw new CliError(`${path} is not valid JSON; fix or delete it`, { code: 'BAD_CONFIG' })
    }
  }

  function write(cfg: ConfigFile) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 })
    chmodSync(tmp, 0o600) // the mode above is filtered by the umask; tokens must never be group-readable
    renameSync(tmp, path)
  }

  return {
    path,
    read,
    profile: (name) => read().profiles[name] ?? {},
    update(name, change) {
      const cfg = read()
      const next = change(cfg.profiles[name] ?? {})
      if (next === null) delete cfg.profiles[name]
      else cfg.profiles[name] = next
      write(cfg)
    },
  }
}
