import { defineCommand } from '../../command'
import { UsageError, unwrap } from '../../errors'
import { formatMoney } from '../../output'
import { contractText, requireStr, str } from '../../parse'
import { parseCurrency, parsePriceInput, resolvePrice } from './price'

export interface CreateProductOptions {
  title: string
  description?: string
  priceCents: number
  currency: string
}

export const createProduct = defineCommand<CreateProductOptions>({
  name: 'create',
  summary: 'Add a product to your catalog',
  examples: [
    'livedrop products create --title "Tour hoodie" --price 49.00 --currency EUR',
    'livedrop products create --title "Poster" --price-cents 1500 --currency USD --description "A2, signed"',
    'PRODUCT=$(livedrop products create --title Cap --price 20 --currency EUR)',
  ],
  configure: (cmd) =>
    cmd
      .option('--title <title>', 'product title')
      .option('--description <text>', 'longer description')
      .option('--price <amount>', 'price as an amount, e.g. 19.99')
      .option('--price-cents <n>', 'price in minor units, e.g. 1999')
      .option('--currency <code>', 'ISO 4217 currency code, e.g. EUR'),
  parse({ opts }) {
    const title = requireStr(opts, 'title', '--title').trim()
    contractText(title, '--title', 'CreateProductRequest', 'title')
    const currency = parseCurrency(requireStr(opts, 'currency', '--currency'))!
    const price = parsePriceInput(opts)
    if (price === undefined) throw new UsageError('--price or --price-cents is required')
    return { title, description: str(opts, 'description'), priceCents: resolvePrice(price, currency)!, currency }
  },
  async run(ctx, o) {
    const product = unwrap(await ctx.authed().POST('/v1/products', {
      body: { title: o.title, priceCents: o.priceCents, currency: o.currency, ...(o.description !== undefined ? { description: o.description } : {}) },
    }))
    ctx.print(product, () => product.id + '\n')
    ctx.info(`${ctx.err.green('✓')} Created product "${product.title}" at ${formatMoney(product.priceCents, product.currency)}`)
  },
})
