import type { Me } from '@livedrop/sdk'
import { defineCommand } from '../../command'
import type { Context } from '../../context'
import { CliError, EXIT, unwrap } from '../../errors'

export const whoami = defineCommand<Record<string, never>>({
  name: 'whoami',
  summary: 'Show who you are logged in as',
  examples: ['livedrop whoami', 'livedrop whoami --json'],
  parse: () => ({}),
  async run(ctx) {
    const me = unwrap(await ctx.authed().GET('/v1/me'))
    ctx.print(me, () => describeMe(ctx, me))
  },
})

function describeMe(ctx: Context, me: Me): string {
  const c = ctx.out
  const creator = me.creator ? `@${me.creator.handle} (${me.creator.displayName}) ${c.dim(me.creator.id)}` : c.dim('not a creator yet: livedrop creators create')
  return [
    `${c.bold(me.username)} <${me.email}>`,
    `  user      ${me.id}`,
    `  creator   ${creator}`,
    `  api       ${ctx.apiUrl}`,
    `  profile   ${ctx.profileName}${ctx.tokenSource === 'env' ? ' (token from LIVEDROP_TOKEN)' : ''}`,
  ].join('\n') + '\n'
}

/** The caller's creator id, for `--mine`; a clear error when the caller is not a creator. */
export async function myCreatorId(ctx: Context): Promise<string> {
  const me = unwrap(await ctx.authed().GET('/v1/me'))
  if (!me.creator) throw new CliError('you are not a creator yet', { exitCode: EXIT.failure, code: 'NOT_A_CREATOR', hint: 'Run `livedrop creators create --handle <handle> --display-name <name>`.' })
  return me.creator.id
}
