import { defineCommand } from '../../command'
import { unwrap } from '../../errors'
import { describeDrop, dropIdArg } from './show'

export const getDrop = defineCommand<{ dropId: string }>({
  name: 'get <dropId>',
  summary: 'Show one drop with its live stock',
  examples: ['livedrop drops get <dropId>', 'livedrop drops get <dropId> --json'],
  parse: dropIdArg,
  async run(ctx, o) {
    const drop = unwrap(await ctx.sdk().GET('/v1/drops/{dropId}', { params: { path: { dropId: o.dropId } } }))
    ctx.print(drop, () => describeDrop(ctx, drop))
  },
})
