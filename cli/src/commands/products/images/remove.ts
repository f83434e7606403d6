import { defineCommand } from '../../../command'
import { unwrap } from '../../../errors'
import { id } from '../../../parse'

export const removeImage = defineCommand<{ productId: string; imageId: string }>({
  name: 'remove <productId> <imageId>',
  summary: 'Remove an image and all its variants from one of your products',
  examples: ['livedrop products images remove <productId> <imageId>'],
  parse: ({ args }) => ({ productId: id(args[0], 'productId'), imageId: id(args[1], 'imageId') }),
  async run(ctx, o) {
    const res = await ctx.authed().DELETE('/v1/products/{productId}/images/{imageId}', { params: { path: { productId: o.productId, imageId: o.imageId } } })
    // 204: no body to unwrap, only a refusal to turn into its error.
    if (!res.response.ok) unwrap(res)
    ctx.print({ id: o.imageId, removed: true }, () => '')
    ctx.info(`${ctx.err.green('✓')} Removed image ${o.imageId}`)
  },
})
