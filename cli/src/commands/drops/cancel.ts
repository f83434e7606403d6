import { defineCommand } from '../../command'
import { EXIT, UsageError, unwrap } from '../../errors'
import { createPrompter } from '../../prompt'
import { describeDrop, dropIdArg } from './show'

export const cancelDrop = defineCommand<{ dropId: string; yes: boolean }>({
  name: 'cancel <dropId>',
  summary: 'Cancel a scheduled or live drop',
  examples: ['livedrop drops cancel <dropId>', 'livedrop drops cancel <dropId> --yes'],
  configure: (cmd) => cmd.option('-y, --yes', 'do not ask for confirmation'),
  parse({ args, opts, penv }) {
    const yes = Boolean(opts.yes)
    if (!yes && !penv.stdinIsTTY) throw new UsageError('--yes is required when not running interactively')
    return { ...dropIdArg({ args }), yes }
  },
  async run(ctx, o) {
    const sdk = ctx.authed()
    if (!o.yes) {
      const prompter = createPrompter(ctx.rt)
      let answer: string
      try {
        answer = await prompter.ask(`Cancel drop ${o.dropId}? Buyers can no longer order. [y/N] `)
      } finally {
        prompter.close()
      }
      if (!/^y(es)?$/i.test(answer.trim())) {
        ctx.info('Not cancelled')
        return EXIT.failure
      }
    }
    const drop = unwrap(await sdk.POST('/v1/drops/{dropId}/cancel', { params: { path: { dropId: o.dropId } } }))
    ctx.print(drop, () => describeDrop(ctx, drop))
    ctx.info(`${ctx.err.green('✓')} Drop ${drop.id} is cancelled`)
  },
})
