import { defineCommand } from '../../../command'
import { unwrap } from '../../../errors'
import { table } from '../../../output'
import { id } from '../../../parse'

export const listImages = defineCommand<{ productId: string }>({
  name: 'list <productId>',
  summary: "A product's images",
  examples: ['livedrop products images list <productId>', 'livedrop products images list <productId> --json'],
  parse: ({ args }) => ({ productId: id(args[0], 'productId') }),
  async run(ctx, o) {
    const { images } = unwrap(await ctx.sdk().GET('/v1/products/{productId}', { params: { path: { productId: o.productId } } }))
    ctx.print(images, () =>
      images.length === 0
        ? ''
        : table(images, [
            { header: 'ID', value: (i) => i.id },
            { header: 'SIZE', value: (i) => `${i.width}×${i.height}`, align: 'right' },
            { header: 'DISPLAY', value: (i) => i.variants.display },
          ], ctx.out))
    if (images.length === 0 && !ctx.json) ctx.info('No images')
  },
})
