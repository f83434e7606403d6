import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstUntraversable } from './embedded'
import { testPort } from '../test/helpers'

// As root, the embedded PostgreSQL runs as the user "postgres", who cannot enter a 0700 folder of root's
// (a clone under /root). Before: `npm start` died with "EACCES … initdb" from inside the package and
// `npm test` went on without a database. Now both stop within seconds with a message that says what to do.
const ROOT = join(import.meta.dir, '..', '..')
const closed = mkdtempSync(join(tmpdir(), 'livedrop-0700-'))
chmodSync(closed, 0o700)
afterAll(() => rmSync(closed, { recursive: true, force: true }))
const asRoot = process.getuid?.() === 0

describe('embedded PostgreSQL in a folder its user cannot enter', () => {
  test('firstUntraversable finds the closed folder on the way, by owner, group or other bits', () => {
    mkdirSync(join(closed, 'open'), { mode: 0o755 })
    const stranger = { uid: 4_000_001, gid: 4_000_001 }
    expect(firstUntraversable(join(closed, 'open', 'pgdata'), stranger)).toEqual({ dir: closed, mode: '0700' })
    expect(firstUntraversable(join(closed, 'open', 'pgdata'), null)).toEqual({ dir: closed, mode: '0700' })
    // Its owner may enter; so may anyone once the folder is open to others.
    const owner = { uid: process.getuid!(), gid: 4_000_001 }
    expect(firstUntraversable(join(closed, 'open', 'pgdata'), owner)).toBeNull()
    chmodSync(closed, 0o711)
    try {
      expect(firstUntraversable(join(closed, 'open', 'pgdata'), stranger)).toBeNull()
    } finally {
      chmodSync(closed, 0o700)
    }
  })

  // PostgreSQL runs as its own user only when started as root (CI runs as root).
  test.skipIf(!asRoot)('as root: `npm start` stops at once with what to do, instead of EACCES inside initdb', async () => {
    const t0 = performance.now()
    const proc = Bun.spawn([process.execPath, 'server/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LIVEDROP_DATA_DIR: join(closed, '.livedrop'), EMBEDDED_PG_PORT: String(testPort(3592)) /* below the ephemeral port range, see ctrl-c.test.ts */, PORT: '0', LOG_LEVEL: 'silent' },
      stdout: 'ignore',
      stderr: 'pipe',
    })
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()])
    expect(code).toBe(1)
    expect(performance.now() - t0).toBeLessThan(15_000)
    expect(stderr).toContain(`cannot enter ${closed} (mode 0700)`)
    expect(stderr).toContain('DATABASE_URL')
    expect(stderr).not.toContain('EACCES')
  }, 30_000)

  test.skipIf(!asRoot)('as root: a test run without a database ends within seconds, saying why', async () => {
    const t0 = performance.now()
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', TEST_EMBEDDED_PG_DIR: join(closed, 'test-pgdata'), TEST_EMBEDDED_PG_PORT: String(testPort(3593)) }
    // Any quick test file will do: the run must end in the preload, before it.
    const proc = Bun.spawn([process.execPath, 'test', 'server/src/lib/breaker.test.ts'], { cwd: ROOT, env, stdout: 'pipe', stderr: 'pipe' })
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
    expect(code).not.toBe(0)
    expect(performance.now() - t0).toBeLessThan(15_000)
    expect(stdout + stderr).toContain('[preload] no test database, stopping the run')
    expect(stdout + stderr).toContain(`cannot enter ${closed}`)
    expect(stdout + stderr).not.toMatch(/\d+ pass/)
  }, 30_000)
})
