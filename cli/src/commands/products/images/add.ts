import type { ImageContentType, ProductImage } from '@livedrop/sdk'
import { defineCommand } from '../../../command'
import type { Context } from '../../../context'
import { UsageError, unwrap } from '../../../errors'
import { id, str } from '../../../parse'

const TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']

function describeImage(ctx: Context, i: ProductImage): string {
  const c = ctx.out
  return [
    `${c.bold(i.id)}  ${i.width}×${i.height}`,
    `  thumb     ${i.sources.thumb.width}×${i.sources.thumb.height}  ${i.sources.thumb.webp}`,
    `            ${' '.repeat(`${i.sources.thumb.width}×${i.sources.thumb.height}`.length)}  ${i.sources.thumb.avif}`,
    `  display   ${i.sources.display.width}×${i.sources.display.height}  ${i.sources.display.webp}`,
    `            ${' '.repeat(`${i.sources.display.width}×${i.sources.display.height}`.length)}  ${i.sources.display.avif}`,
  ].join('\n') + '\n'
}

export interface AddImageOptions {
  productId: string
  file: string
  contentType?: ImageContentType
}

export const addImage = defineCommand<AddImageOptions>({
  name: 'add <productId> <file>',
  summary: 'Upload an image to one of your products (verified and resized by the server)',
  description:
    'Uploads the file straight to the image storage through a presigned URL, then has the server verify it (its real type, size and ' +
    'pixel dimensions), make thumbnail and display variants in WebP and AVIF without the file\'s metadata (GPS position included), ' +
    'and attach it to the product. JPEG, PNG, WebP, AVIF and GIF.',
  examples: [
    'livedrop products images add <productId> photo.jpg',
    'livedrop products images add <productId> shot.heic.jpg --type image/jpeg',
    'livedrop products images add <productId> photo.png --json | jq -r .variants.display',
  ],
  configure: (cmd) => cmd.option('--type <mime>', `the file's type when its name does not say it (${TYPES.join(', ')})`),
  parse({ args, opts }) {
    const type = str(opts, 'type')
    if (type !== undefined && !TYPES.includes(type)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}, got "${type}"`)
    const file = String(args[1] ?? '')
    if (!file) throw new UsageError('give the image file to upload')
    return { productId: id(args[0], 'productId'), file, contentType: type as ImageContentType | undefined }
  },
  async run(ctx, o) {
    const blob = Bun.file(o.file)
    if (!(await blob.exists())) throw new UsageError(`no such file: ${o.file}`)
    let result
    try {
      result = await ctx.authed().uploadProductImage(o.productId, blob, { contentType: o.contentType })
    } catch (err) {
      // The SDK refuses before sending anything when the file is no image it knows.
      if (err instanceof TypeError && /not a JPEG/.test(err.message)) throw new UsageError(`${o.file} is not a JPEG, PNG, WebP, AVIF or GIF image`, 'Pass --type if it is one under another name.')
      throw err
    }
    const image = unwrap(result)
    ctx.print(image, () => describeImage(ctx, image))
    ctx.info(`${ctx.err.green('✓')} Added ${image.width}×${image.height} image ${image.id} to product ${o.productId}`)
  },
})
