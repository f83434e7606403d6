import { defineCommand } from '../../command'
import { unwrap } from '../../errors'
import { id } from '../../parse'
import { describeProduct } from './show'

export const getProduct = defineCommand<{ productId: string }>({
  name: 'get <productId>',
  summary: 'Show one product',
  examples: ['livedrop products get <productId>', 'livedrop products get <productId> --json'],
  parse: ({ args }) => ({ productId: id(args[0], 'productId') }),
  async run(ctx, o) {
    const product = unwrap(await ctx.sdk().GET('/v1/products/{productId}', { params: { path: { productId: o.productId } } }))
    ctx.print(product, () => describeProduct(ctx, product))
  },
})
