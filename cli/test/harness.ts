import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { FetchLike } from '@livedrop/sdk'
import { main, type Hooks } from '../src/program'
import type { Runtime } from '../src/context'

/** A stream double that records what a command writes (stdout or stderr). */
export function sink(isTTY = false) {
  let text = ''
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      text += chunk
      return true
    },
    get text() {
      return text
    },
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  /** Piped stdin content; absent → an empty, non-terminal stdin. */
  stdin?: string
  stdinTTY?: boolean
  stdoutTTY?: boolean
  fetch?: FetchLike
  now?: () => number
  signal?: AbortSignal
  hooks?: Hooks
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  json<T = any>(): T
}

/** A fresh config folder, so every test starts logged out. */
export const freshConfigHome = () => mkdtempSync(join(tmpdir(), 'livedrop-cli-'))

/** Runs one command line in process, as the `livedrop` binary would, and captures everything. */
export async function runCli(argv: string[], o: RunOptions = {}): Promise<RunResult> {
  const stdout = sink(o.stdoutTTY)
  const stderr = sink(false)
  const stdin = Readable.from(o.stdin === undefined ? [] : [Buffer.from(o.stdin)]) as Runtime['stdin']
  if (o.stdinTTY) stdin.isTTY = true
  const rt: Runtime = {
    env: { HOME: '/nonexistent', ...o.env },
    stdout,
    stderr,
    stdin,
    fetch: o.fetch,
    now: o.now,
    signal: o.signal,
  }
  const code = await main(argv, rt, o.hooks)
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    json: () => JSON.parse(stdout.text),
  }
}

/** A stack trace in output would look like "    at fn (file.ts:1:2)". */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m

/** Starts a command without waiting for it: for long-running ones (`drops watch`) whose output is read as it comes. */
export function startCli(argv: string[], o: RunOptions = {}) {
  const stdout = sink(o.stdoutTTY)
  const stderr = sink(false)
  const stdin = Readable.from([]) as Runtime['stdin']
  const rt: Runtime = { env: { HOME: '/nonexistent', ...o.env }, stdout, stderr, stdin, fetch: o.fetch, now: o.now, signal: o.signal }
  const done = main(argv, rt, o.hooks)
  return { stdout, stderr, done }
}

/** Polls until `check` answers something truthy (or fails the test with what was last seen). */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000, seen?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen ? `; output so far:\n${seen()}` : ''}`)
    await Bun.sleep(25)
  }
}
