import type { Product } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import type { Context } from '../context'
import { UsageError, unwrap } from '../errors'
import { currencyDigits, formatMoney, table } from '../output'
import { limitOption, ownerId, ownerOptions, pageSize, parseLimit, parseOwner, take, type OwnedListOptions } from '../list'
import { contractInt, contractText, id, requireStr, str } from '../parse'
import { formatLocal } from '../time'
import { productImagesCommands } from './product-images'

/** "19.99" in a currency → minor units, refusing more decimals than the currency has. */
export function parsePrice(raw: string, currency: string, flag = '--price'): number {
  const digits = currencyDigits(currency)
  const m = /^(\d+)(?:\.(\d+))?$/.exec(raw.trim())
  if (!m) throw new UsageError(`${flag} must be an amount such as 19.99, got "${raw}"`)
  const frac = m[2] ?? ''
  if (frac.length > digits) throw new UsageError(`${flag}: ${currency} has ${digits} decimal${digits === 1 ? '' : 's'}, got "${raw}"`)
  const cents = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || 0)
  if (!Number.isSafeInteger(cents) || cents > 100_000_000) throw new UsageError(`${flag} is too large`)
  return cents
}

function parseCurrency(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const c = raw.trim().toUpperCase()
  if (!/^[A-Z]{3}$/.test(c)) throw new UsageError(`--currency must be an ISO 4217 code such as EUR, got "${raw}"`)
  return c
}

/** Price flags: --price (an amount, needs the currency) or --price-cents (minor units). Resolved when the currency is known. */
type PriceInput = { amount: string } | { cents: number } | undefined

function parsePriceInput(opts: Record<string, unknown>): PriceInput {
  const amount = str(opts, 'price')
  const cents = contractInt(str(opts, 'priceCents'), '--price-cents', 'CreateProductRequest', 'priceCents')
  if (amount !== undefined && cents !== undefined) throw new UsageError('use --price or --price-cents, not both')
  if (amount !== undefined) {
    parsePrice(amount, 'EUR') // shape check now; decimals are checked against the real currency later
    return { amount }
  }
  return cents !== undefined ? { cents } : undefined
}

const resolvePrice = (p: PriceInput, currency: string) => (p === undefined ? undefined : 'cents' in p ? p.cents : parsePrice(p.amount, currency))

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

export const listProducts = defineCommand<OwnedListOptions>({
  name: 'list',
  summary: 'List products (yours with --mine)',
  examples: ['livedrop products list --mine', 'livedrop products list --creator <creatorId> --limit 50', 'livedrop products list --mine --json'],
  configure: (cmd) => void limitOption(ownerOptions(cmd, 'products')),
  parse: ({ opts }) => ({ creator: parseOwner(opts), limit: parseLimit(opts) }),
  async run(ctx, o) {
    const creatorId = await ownerId(ctx, o.creator)
    const items = await take(ctx.sdk().paginate('/v1/products', { params: { query: { creatorId, limit: pageSize(o.limit) } } }), o.limit)
    ctx.print(items, () =>
      items.length === 0
        ? ''
        : table(items, [
            { header: 'ID', value: (p) => p.id },
            { header: 'TITLE', value: (p) => p.title },
            { header: 'PRICE', value: (p) => formatMoney(p.priceCents, p.currency), align: 'right' },
            { header: 'CREATED', value: (p) => formatLocal(p.createdAt) },
          ], ctx.out))
    if (items.length === 0 && !ctx.json) ctx.info('No products')
  },
})

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

export const productsCommands: CommandGroup = {
  name: 'products', summary: 'Your catalog', commands: [createProduct, listProducts, getProduct, updateProduct], groups: [productImagesCommands],
}
