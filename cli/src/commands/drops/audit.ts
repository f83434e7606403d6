import { defineCommand } from '../../command'
import { EXIT, unwrap } from '../../errors'
import { dropIdArg } from './show'

export const auditDrop = defineCommand<{ dropId: string }>({
  name: 'audit <dropId>',
  summary: "Check a drop's stock against its ledger and orders (exit 1 when they disagree)",
  examples: ['livedrop drops audit <dropId>', 'livedrop drops audit <dropId> --json'],
  parse: dropIdArg,
  async run(ctx, o) {
    const a = unwrap(await ctx.authed().GET('/v1/drops/{dropId}/audit', { params: { path: { dropId: o.dropId } } }))
    const c = ctx.out
    ctx.print(a, () => [
      `${c.bold('Audit')} of drop ${a.dropId}: ${a.invariantHolds ? c.green('OK') : c.red('MISMATCH')}`,
      `  initial stock        ${a.initialStock}`,
      `  available stock      ${a.availableStock}`,
      `  sold (ledger)        ${a.sold}`,
      `  cancelled (ledger)   ${a.cancelled}`,
      `  adjusted (ledger)    ${a.adjusted}`,
      `  confirmed quantity   ${a.confirmedQuantity}`,
      `  ledger sum           ${a.ledgerSum}`,
    ].join('\n') + '\n')
    if (!a.invariantHolds) {
      ctx.info(ctx.err.red('error: the ledger and the orders disagree with the stock (AUDIT_MISMATCH)'))
      return EXIT.failure
    }
  },
})
