import { FIELD_LIMITS } from '@livedrop/sdk'
import { UsageError } from '../../errors'
import { currencyDigits } from '../../output'
import { contractInt, str } from '../../parse'

/** "19.99" in a currency → minor units, refusing more decimals than the currency has. */
export function parsePrice(raw: string, currency: string, flag = '--price'): number {
  const digits = currencyDigits(currency)
  const m = /^(\d+)(?:\.(\d+))?$/.exec(raw.trim())
  if (!m) throw new UsageError(`${flag} must be an amount such as 19.99, got "${raw}"`)
  const frac = m[2] ?? ''
  if (frac.length > digits) throw new UsageError(`${flag}: ${currency} has ${digits} decimal${digits === 1 ? '' : 's'}, got "${raw}"`)
  const cents = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || 0)
  if (!Number.isSafeInteger(cents) || cents > FIELD_LIMITS.CreateProductRequest.priceCents.maximum) throw new UsageError(`${flag} is too large`)
  return cents
}

export function parseCurrency(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const c = raw.trim().toUpperCase()
  if (!/^[A-Z]{3}$/.test(c)) throw new UsageError(`--currency must be an ISO 4217 code such as EUR, got "${raw}"`)
  return c
}

/** Price flags: --price (an amount, needs the currency) or --price-cents (minor units). Resolved when the currency is known. */
export type PriceInput = { amount: string } | { cents: number } | undefined

export function parsePriceInput(opts: Record<string, unknown>): PriceInput {
  const amount = str(opts, 'price')
  const cents = contractInt(str(opts, 'priceCents'), '--price-cents', 'CreateProductRequest', 'priceCents')
  if (amount !== undefined && cents !== undefined) throw new UsageError('use --price or --price-cents, not both')
  if (amount !== undefined) {
    parsePrice(amount, 'EUR') // shape check now; decimals are checked against the real currency later
    return { amount }
  }
  return cents !== undefined ? { cents } : undefined
}

export const resolvePrice = (p: PriceInput, currency: string) => (p === undefined ? undefined : 'cents' in p ? p.cents : parsePrice(p.amount, currency))
