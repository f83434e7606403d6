import { describe, expect, test } from 'bun:test'
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { configDir, createConfigStore } from './config'
import { createContext, DEFAULT_API_URL, type Runtime } from './context'
import { freshConfigHome, sink } from '../test/harness'
import { Readable } from 'node:stream'

const rt = (env: Record<string, string | undefined>, tty = false): Runtime => ({ env, stdout: sink(tty), stderr: sink(tty), stdin: Readable.from([]) as Runtime['stdin'] })

describe('config location and file', () => {
  test('XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/a' })).toBe('/x/cfg/livedrop')
    expect(configDir({ HOME: '/home/a' })).toBe('/home/a/.config/livedrop')
    expect(configDir({ XDG_CONFIG_HOME: '  ', HOME: '/home/a' })).toBe('/home/a/.config/livedrop')
  })

  test('written 0600 in a 0700 folder, profiles kept apart, removable', () => {
    const dir = join(freshConfigHome(), 'livedrop')
    const store = createConfigStore(dir)
    store.update('default', (p) => ({ ...p, apiUrl: 'http://a', refreshToken: 'r1' }))
    store.update('staging', () => ({ apiUrl: 'http://b' }))
    expect(statSync(store.path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(store.profile('default')).toEqual({ apiUrl: 'http://a', refreshToken: 'r1' })
    store.update('staging', () => null)
    expect(Object.keys(JSON.parse(readFileSync(store.path, 'utf8')).profiles)).toEqual(['default'])
  })

  test('a broken config file is a clear error, not a crash', () => {
    const home = freshConfigHome()
    mkdirSync(join(home, 'livedrop'))
    writeFileSync(join(home, 'livedrop', 'config.json'), '{nope')
    expect(() => createContext(rt({ XDG_CONFIG_HOME: home }), {})).toThrow(/config\.json is not valid JSON/)
  })
})

describe('precedence: flags, then environment, then profile, then defaults', () => {
  const home = freshConfigHome()
  createConfigStore(join(home, 'livedrop')).update('default', () => ({ apiUrl: 'http://from-profile', accessToken: 'a', refreshToken: 'r' }))
  createConfigStore(join(home, 'livedrop')).update('other', () => ({ apiUrl: 'http://other-profile' }))

  test('API URL', () => {
    expect(createContext(rt({ XDG_CONFIG_HOME: home }), {}).apiUrl).toBe('http://from-profile')
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_API_URL: 'http://from-env/' }), {}).apiUrl).toBe('http://from-env')
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_API_URL: 'http://from-env' }), { apiUrl: 'http://from-flag' }).apiUrl).toBe('http://from-flag')
    expect(createContext(rt({ XDG_CONFIG_HOME: freshConfigHome() }), {}).apiUrl).toBe(DEFAULT_API_URL)
  })

  test('profile and token', () => {
    expect(createContext(rt({ XDG_CONFIG_HOME: home }), {}).tokenSource).toBe('profile')
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_PROFILE: 'other' }), {}).apiUrl).toBe('http://other-profile')
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_PROFILE: 'other' }), { profile: 'default' }).profileName).toBe('default')
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_PROFILE: 'other' }), {}).tokenSource).toBeNull()
    expect(createContext(rt({ XDG_CONFIG_HOME: home, LIVEDROP_TOKEN: 'tok' }), {}).tokenSource).toBe('env')
  })

  test('colour: only on a terminal, off with --no-color, NO_COLOR or TERM=dumb', () => {
    const on = (env: Record<string, string>, color?: boolean, tty = true) => createContext(rt({ XDG_CONFIG_HOME: home, ...env }, tty), { color }).out.enabled
    expect(on({})).toBe(true)
    expect(on({}, undefined, false)).toBe(false)
    expect(on({}, false)).toBe(false)
    expect(on({ NO_COLOR: '1' })).toBe(false)
    expect(on({ TERM: 'dumb' })).toBe(false)
  })
})
