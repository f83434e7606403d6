import { defineCommand, type CommandGroup } from '../command'
import { UsageError, unwrap } from '../errors'
import { contractText, requireStr } from '../parse'

export interface CreateCreatorOptions {
  handle: string
  displayName: string
}

export const createCreator = defineCommand<CreateCreatorOptions>({
  name: 'create',
  summary: 'Become a creator (one creator profile per account)',
  examples: ['livedrop creators create --handle ada --display-name "Ada Lovelace"', 'livedrop creators create --handle ada --display-name Ada --json'],
  configure: (cmd) => cmd.option('--handle <handle>', 'unique handle: lower-case letters, digits, - and _').option('--display-name <name>', 'the name buyers see'),
  parse({ opts }) {
    const handle = requireStr(opts, 'handle', '--handle').trim()
    if (!/^[a-z0-9][a-z0-9_-]{1,29}$/.test(handle)) throw new UsageError(`--handle: "${handle}" must be 2–30 lower-case letters, digits, - or _ (not starting with - or _)`)
    const displayName = requireStr(opts, 'displayName', '--display-name').trim()
    return { handle, displayName: contractText(displayName, '--display-name', 'CreateCreatorRequest', 'displayName') }
  },
  async run(ctx, o) {
    const creator = unwrap(await ctx.authed().POST('/v1/creators', { body: { handle: o.handle, displayName: o.displayName } }))
    ctx.print(creator, () => creator.id + '\n')
    ctx.info(`${ctx.err.green('✓')} You are now creator @${creator.handle}`)
  },
})

export const creatorsCommands: CommandGroup = { name: 'creators', summary: 'Your creator profile', commands: [createCreator] }
