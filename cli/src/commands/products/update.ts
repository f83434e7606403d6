import { defineCommand } from '../../command'
import { UsageError, unwrap } from '../../errors'
import { contractText, id, str } from '../../parse'
import { parseCurrency, parsePriceInput, resolvePrice, type PriceInput } from './price'
import { describeProduct } from './show'

export interface UpdateProductOptions {
  productId: string
  title?: string
  description?: string
  price: PriceInput
  currency?: string
}

export const updateProduct = defineCommand<UpdateProductOptions>({
  name: 'update <productId>',
  summary: 'Change a product (only the fields you pass)',
  examples: ['livedrop products update <productId> --price 39.00', 'livedrop products update <productId> --title "Tour hoodie (black)" --description ""'],
  configure: (cmd) =>
    cmd
      .option('--title <title>', 'new title')
      .option('--description <text>', 'new description')
      .option('--price <amount>', 'new price as an amount, in the product currency (or --currency)')
      .option('--price-cents <n>', 'new price in minor units')
      .option('--currency <code>', 'new ISO 4217 currency code'),
  parse({ args, opts }) {
    const o: UpdateProductOptions = {
      productId: id(args[0], 'productId'),
      title: str(opts, 'title')?.trim(),
      description: str(opts, 'description'),
      price: parsePriceInput(opts),
      currency: parseCurrency(str(opts, 'currency')),
    }
    if (o.title !== undefined) contractText(o.title, '--title', 'UpdateProductRequest', 'title')
    if (o.title === undefined && o.description === undefined && o.price === undefined && o.currency === undefined) {
      throw new UsageError('nothing to change', 'Pass at least one of --title, --description, --price, --price-cents, --currency.')
    }
    return o
  },
  async run(ctx, o) {
    const sdk = ctx.authed()
    let currency = o.currency
    if (o.price && 'amount' in o.price && !currency) {
      // An amount's decimals depend on the currency: read the product's own.
      currency = unwrap(await sdk.GET('/v1/products/{productId}', { params: { path: { productId: o.productId } } })).currency
    }
    const priceCents = resolvePrice(o.price, currency ?? 'EUR')
    const body = {
      ...(o.title !== undefined ? { title: o.title } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
      ...(priceCents !== undefined ? { priceCents } : {}),
      ...(o.currency !== undefined ? { currency: o.currency } : {}),
    }
    const product = unwrap(await sdk.PATCH('/v1/products/{productId}', { params: { path: { productId: o.productId } }, body }))
    ctx.print(product, () => describeProduct(ctx, product))
    ctx.info(`${ctx.err.green('✓')} Updated product ${product.id}`)
  },
})
