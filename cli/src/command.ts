import type { Command } from 'commander'
import type { Context } from './context'
import type { ExitCode } from './errors'

/** What parse() may look at besides the flags: the clock (for "in 2h") and the environment. */
export interface ParseEnv {
  now: Date
  env: Record<string, string | undefined>
  stdinIsTTY: boolean
}

export interface ParseInput {
  args: unknown[]
  opts: Record<string, unknown>
  penv: ParseEnv
}

/**
 * One leaf command, split as gh does (NewCmdX parses, xRun acts): `parse` turns flags and arguments into typed
 * options or a UsageError without any I/O; `run` does the work with a Context. Tests drive each half alone.
 */
export interface CommandSpec<O = unknown> {
  /** The verb, with its arguments in commander syntax: "get <productId>". */
  name: string
  summary: string
  description?: string
  examples: string[]
  configure?: (cmd: Command) => void
  parse: (input: ParseInput) => O
  run: (ctx: Context, opts: O) => Promise<ExitCode | void>
}

export const defineCommand = <O>(spec: CommandSpec<O>): CommandSpec<O> => spec

/** A resource (`drops`) and its verbs (`schedule`, `list`…). A top-level verb (`login`) is a group of one with no name. */
export interface CommandGroup {
  name: string | null
  summary: string
  commands: CommandSpec<any>[]
  /** Resources under this one: `products images add` is the `images` group of `products`. */
  groups?: CommandGroup[]
}
