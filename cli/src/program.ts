import { Command, CommanderError, Option } from 'commander'
import type { CommandGroup, CommandSpec, ParseEnv } from './command'
import { createContext, type GlobalOptions, type Runtime } from './context'
import { EXIT, toCliError, type CliError } from './errors'
import { sessionCommands } from './commands/session'
import { creatorsCommands } from './commands/creators'
import { productsCommands } from './commands/products'
import { dropsCommands } from './commands/drops/index'
import { ordersCommands } from './commands/orders'
import { webhooksCommands } from './commands/webhooks'
import { listenCommands } from './commands/listen'
import { searchCommands } from './commands/search'
import pkg from '../package.json'

export const GROUPS: CommandGroup[] = [sessionCommands, searchCommands, creatorsCommands, productsCommands, dropsCommands, ordersCommands, webhooksCommands, listenCommands]

/** What a run leaves behind for main(): the command's exit code, its global flags, the API it talked to. */
export interface RunState {
  exitCode: number
  globals: GlobalOptions
  apiUrl?: string
}

export interface Hooks {
  /** Replaces `run`: parse tests receive the command path and its parsed options, and nothing is executed. */
  intercept?: (path: string, opts: unknown, globals: GlobalOptions) => void
}

const ROOT_EXAMPLES = [
  'livedrop login',
  'livedrop products create --title "Hoodie" --price 49.00 --currency EUR',
  'livedrop drops schedule --product <id> --at "tomorrow 18:00" --stock 500',
  'livedrop drops watch <dropId>',
  'livedrop drops list --mine --json',
]

export const examplesText = (examples: string[]) => `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`

/** Builds the commander tree. `state.exitCode` receives what the command's run returned. */
export function buildProgram(rt: Runtime, hooks: Hooks = {}, state: RunState = { exitCode: 0, globals: {} }): Command {
  const program = new Command('livedrop')
    .description('LiveDrop for creators: log in, manage products, schedule and watch drops.')
    .addOption(new Option('--api-url <url>', 'API base URL (env LIVEDROP_API_URL; default http://localhost:3000)'))
    .addOption(new Option('--profile <name>', 'named login and settings to use (env LIVEDROP_PROFILE; default "default")'))
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .version(pkg.version, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .addHelpText('after', examplesText(ROOT_EXAMPLES) + '\nExit codes: 0 ok, 1 failure, 2 usage, 4 auth required, 5 not found, 6 conflict, 130 interrupted (Ctrl-C).\n')

  const penv = (): ParseEnv => ({ now: new Date((rt.now ?? Date.now)()), env: rt.env, stdinIsTTY: Boolean(rt.stdin.isTTY) })

  const attach = (parent: Command, spec: CommandSpec, path: string) => {
    const cmd = parent.command(spec.name).summary(spec.summary).description(spec.description ?? spec.summary)
    spec.configure?.(cmd)
    cmd.addHelpText('after', examplesText(spec.examples))
    cmd.action(async (...a: unknown[]) => {
      const self = a[a.length - 1] as Command
      const globals = self.optsWithGlobals() as GlobalOptions
      state.globals = globals
      const opts = spec.parse({ args: self.processedArgs, opts: self.opts(), penv: penv() })
      if (hooks.intercept) return hooks.intercept(path, opts, globals)
      const ctx = createContext(rt, globals)
      state.apiUrl = ctx.apiUrl
      const code = await spec.run(ctx, opts)
      state.exitCode = code ?? EXIT.ok
    })
  }

  const attachGroup = (parent: Command, group: CommandGroup, path: string) => {
    const resource = parent.command(group.name!).summary(group.summary).description(group.summary)
    const subs = group.groups ?? []
    resource.addHelpText('after', examplesText([...group.commands, ...subs.flatMap((g) => g.commands)].flatMap((c) => c.examples.slice(0, 1))))
    for (const spec of group.commands) attach(resource, spec, `${path} ${spec.name.split(' ')[0]}`)
    for (const sub of subs) attachGroup(resource, sub, `${path} ${sub.name}`)
  }

  for (const group of GROUPS) {
    if (group.name === null) {
      for (const spec of group.commands) attach(program, spec, spec.name.split(' ')[0])
      continue
    }
    attachGroup(program, group, group.name)
  }
  // `livedrop watch <id>`: a verb without its resource. Commander only suggests names of the same level
  // (`lgoin` → login); point such a verb to the resource commands that have it.
  program.on('command:*', ([word]: string[]) => {
    const owners = GROUPS.filter((g) => g.name !== null && g.commands.some((c) => c.name.split(' ')[0] === word)).map((g) => `livedrop ${g.name} ${word}`)
    // unknownCommand is commander's own path (its same-level suggestion); public in JS, absent from its types.
    if (owners.length === 0) return (program as unknown as { unknownCommand(): never }).unknownCommand()
    program.error(`error: unknown command '${word}'\n(Did you mean ${owners.join(' or ')}?)`, { exitCode: EXIT.usage, code: 'commander.unknownCommand' })
  })
  return program
}

/**
 * Runs one command line and answers its exit code. Never throws and never prints a stack trace: failures
 * become "error: <detail> (CODE)" on stderr, or one JSON line `{"error":{…}}` with --json.
 */
export async function main(argv: string[], rt: Runtime, hooks: Hooks = {}): Promise<number> {
  const state: RunState = { exitCode: 0, globals: {} }
  const program = buildProgram(rt, hooks, state)
  if (argv.length === 0) {
    rt.stdout.write(program.helpInformation() + examplesText(ROOT_EXAMPLES))
    return EXIT.ok
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return state.exitCode
  } catch (err) {
    // Commander has already printed its own message (unknown option, missing argument…) or the help.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage
    const e = toCliError(err, state.apiUrl)
    reportError(rt, e, Boolean(state.globals.json ?? argv.includes('--json')))
    if (rt.env.LIVEDROP_DEBUG && err instanceof Error && err.stack) rt.stderr.write(err.stack + '\n')
    return e.exitCode
  }
}

export function reportError(rt: Runtime, e: CliError, json: boolean) {
  const status = 'status' in e ? (e as { status: number }).status : undefined
  const requestId = 'requestId' in e ? (e as { requestId?: string }).requestId : undefined
  if (json) {
    rt.stderr.write(JSON.stringify({ error: { code: e.code, message: e.message, exitCode: e.exitCode, ...(status ? { status } : {}), ...(requestId ? { requestId } : {}) } }) + '\n')
    return
  }
  const fields = (e as { problem?: { errors?: Array<{ field: string; message: string }> } }).problem?.errors ?? []
  let text = `error: ${e.message} (${e.code})\n`
  for (const f of fields) text += `  ${f.field}: ${f.message}\n`
  if (e.hint) text += `${e.hint}\n`
  if (requestId) text += `request id: ${requestId}\n`
  rt.stderr.write(text)
}
