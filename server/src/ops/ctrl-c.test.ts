import { afterAll, describe, expect, test } from 'bun:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testPort } from '../../test/helpers'

/**
 * Ctrl-C on `npm start` as a person does it: the terminal sends SIGINT to the whole foreground process group
 * (npm, its shell, the server). The zero set-up mode (embedded PostgreSQL, no Redis) must drain, stop its
 * PostgreSQL, and exit 0 quickly and quietly, with npm passing the 0 on.
 */
const ROOT = join(import.meta.dir, '..', '..', '..')
const PORT = testPort(3590)
// Below the kernel's ephemeral range (32768–60999): a port there can be taken at any moment as the local end of
// some outgoing connection of the suite, and PostgreSQL then cannot listen ("could not create any TCP/IP sockets").
const PG_PORT = testPort(3591)
// PostgreSQL runs as an unprivileged user when the tests run as root: it must be able to enter the folder.
const dataDir = mkdtempSync(join(tmpdir(), 'livedrop-ctrlc-'))
chmodSync(dataDir, 0o755)
let child: ChildProcess | null = null
afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

/** `npm start` in its own process group; resolves once it is ready. */
async function npmStart() {
  const { PATH, HOME } = process.env
  const proc = spawn('npm', ['start'], {
    cwd: ROOT,
    // Its own process group, like a terminal's foreground job, so that the signal can go to all of it.
    detached: true,
    env: { PATH, HOME, PORT: String(PORT), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(PG_PORT), LIVEDROP_DATA_DIR: dataDir, npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = proc
  const run = { output: '', exited: new Promise<{ code: number | null; signal: string | null }>((done) => proc.once('exit', (code, signal) => done({ code, signal }))) }
  proc.stdout!.on('data', (c) => (run.output += c))
  proc.stderr!.on('data', (c) => (run.output += c))
  const deadline = Date.now() + 90_000 // the first start runs initdb
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.ok, () => false)
    if (ok) return run
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${run.output}`)
    await Bun.sleep(100)
  }
}

/** Ctrl-C as a terminal sends it: SIGINT to every process of the foreground group. */
async function ctrlC(run: Awaited<ReturnType<typeof npmStart>>) {
  const started = performance.now()
  process.kill(-child!.pid!, 'SIGINT')
  const { code, signal } = await run.exited
  const tookMs = performance.now() - started
  console.error(`Ctrl-C on npm start: exit ${code ?? signal} after ${Math.round(tookMs)} ms`)
  if (process.env.DEBUG_CTRLC) console.error(run.output)
  return { code, signal, tookMs }
}

const pidFile = () => join(dataDir, 'pgdata', 'postmaster.pid')
const complaints = (output: string) => output.split('\n').filter((l) => /error|"level":(50|60)|ECONN/i.test(l))

describe('Ctrl-C on npm start (embedded PostgreSQL)', () => {
  test('SIGINT to the process group: drained, PostgreSQL stopped, exit 0, no error lines; an idle restart stops within a second', async () => {
    // The first run creates the cluster, migrates and seeds (main.ts checkpoints that at start, not at Ctrl-C).
    const first = await npmStart()
    expect(first.output).toContain(`Storefront     http://localhost:${PORT}/`)
    expect(existsSync(pidFile())).toBe(true)
    const a = await ctrlC(first)
    expect({ code: a.code, signal: a.signal }).toEqual({ code: 0, signal: null })
    expect(a.tookMs).toBeLessThan(1500)
    // PostgreSQL shut down cleanly (it removes its pid file last) and nothing complained on the way.
    expect(existsSync(pidFile())).toBe(false)
    expect(complaints(first.output)).toEqual([])
    expect(first.output).toContain('"msg":"stopped"')

    // What a person does every day: start, leave it idle, Ctrl-C.
    const second = await npmStart()
    await Bun.sleep(500)
    const b = await ctrlC(second)
    expect({ code: b.code, signal: b.signal }).toEqual({ code: 0, signal: null })
    expect(b.tookMs).toBeLessThan(1000)
    expect(existsSync(pidFile())).toBe(false)
    expect(complaints(second.output)).toEqual([])
  }, 180_000)
})
