import type { Product } from '@livedrop/sdk'
import type { Context } from '../../context'
import { formatMoney } from '../../output'

/** A product as a person reads it (get, update). */
export function describeProduct(ctx: Context, p: Product): string {
  const c = ctx.out
  return [
    `${c.bold(p.title)}  ${formatMoney(p.priceCents, p.currency)}`,
    `  id        ${p.id}`,
    `  creator   ${p.creatorId}`,
    ...(p.description ? [`  about     ${p.description}`] : []),
    ...p.images.map((i, n) => `  ${n === 0 ? 'images ' : '       '}   ${i.variants.display} (${i.width}×${i.height})`),
    `  created   ${p.createdAt}`,
  ].join('\n') + '\n'
}
