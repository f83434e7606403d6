import ipaddr from 'ipaddr.js'
import { lookup } from 'node:dns/promises'
import type { LookupAddress } from 'node:dns'
import { AppError, type ErrorCode } from '../errors'

/**
 * The SSRF guard: a webhook URL is something a creator types and the server then POSTs to, so it must never
 * reach the server's own network (the database, a metadata service at 169.254.169.254, an admin port on
 * loopback). Checked at registration and again at connect time of every delivery (`guardedLookup`), so a host
 * that later resolves somewhere private (DNS rebinding) is refused then.
 */
export interface SsrfPolicy {
  /** dev/test only (WEBHOOKS_ALLOW_HTTP_LOOPBACK): loopback addresses are allowed, and http to them */
  allowHttpLoopback: boolean
}

export type Resolve = (host: string) => Promise<string[]>

export const systemResolve: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

/**
 * → null when the address may be dialled, else the name of the range that forbids it (ipaddr.js's names:
 * loopback, private, linkLocal, carrierGradeNat, unspecified, multicast, broadcast, reserved, uniqueLocal,
 * ipv4Mapped, rfc6052, 6to4, teredo, …). Only ordinary public unicast passes: a list of what to refuse would
 * miss the next special range, a list of what to allow cannot.
 */
export function forbiddenRange(address: string, policy: SsrfPolicy): string | null {
  if (!ipaddr.isValid(address)) return 'invalid'
  const ip = ipaddr.parse(address)
  const range = ip.range()
  if (range === 'unicast') return null
  if (range === 'loopback' && policy.allowHttpLoopback) return null
  // Every IPv4-mapped (and IPv4-compatible) form is refused, whatever it embeds: no public host needs one,
  // and refusing them all leaves no way around the IPv4 classification.
  return range
}

export interface CheckedUrl {
  url: URL
  addresses: string[]
}

const refuse = (code: Extract<ErrorCode, `WEBHOOK_URL_${string}`>, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, detail, { errors: [{ field: '/url', message: detail }], extra })

/** Parses and vets a webhook URL, resolving its host; throws a 422 with a precise WEBHOOK_URL_* code. */
export async function checkWebhookUrl(raw: string, policy: SsrfPolicy, resolve: Resolve = systemResolve): Promise<CheckedUrl> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refuse('WEBHOOK_URL_INVALID', 'url must be an absolute https URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('WEBHOOK_URL_INVALID', 'url must be an absolute https URL')
  if (url.username || url.password) throw refuse('WEBHOOK_URL_INVALID', 'url must not carry credentials')
  if (url.hash) throw refuse('WEBHOOK_URL_INVALID', 'url must not carry a fragment')
  if (url.protocol === 'http:' && !policy.allowHttpLoopback) throw refuse('WEBHOOK_URL_NOT_HTTPS', 'webhooks are delivered over https only')
  // The WHATWG parser has already normalised every numeric spelling (0x7f.1, 2130706433, 0177.0.0.1) to
  // dotted decimal, and IPv6 literals come bracketed.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  let addresses: string[]
  if (ipaddr.isValid(host)) addresses = [host]
  else {
    try {
      addresses = await resolve(host)
    } catch {
      addresses = []
    }
    if (!addresses.length) throw refuse('WEBHOOK_URL_UNRESOLVABLE', `the host ${host} does not resolve`)
  }
  for (const address of addresses) {
    const range = forbiddenRange(address, policy)
    if (range) {
      throw refuse('WEBHOOK_URL_FORBIDDEN_ADDRESS', `the host resolves to ${address}, a ${range} address; webhooks go to public addresses only`, { addressRange: range, address })
    }
  }
  // The dev setting lets http through only where it cannot leave the machine.
  if (url.protocol === 'http:' && addresses.some((a) => ipaddr.parse(a).range() !== 'loopback')) {
    throw refuse('WEBHOOK_URL_NOT_HTTPS', 'webhooks are delivered over https only (http only to loopback, with WEBHOOKS_ALLOW_HTTP_LOOPBACK)')
  }
  return { url, addresses }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for node:http(s) that resolves and vets in the same step as the connection uses the answer, so
 * there is no window between the check and the dial for a rebinding DNS server to exploit.
 */
export function guardedLookup(policy: SsrfPolicy, resolve: Resolve = systemResolve) {
  return (host: string, options: { all?: boolean }, cb: LookupCallback) => {
    resolve(host).then(
      (addresses) => {
        const bad = addresses.map((a) => [a, forbiddenRange(a, policy)] as const).find(([, r]) => r)
        if (!addresses.length) return cb(Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' }), [])
        if (bad) return cb(Object.assign(new Error(`refused address ${bad[0]} (${bad[1]})`), { code: 'EFORBIDDEN_ADDRESS' }), [])
        const list = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
        if (options?.all) cb(null, list)
        else cb(null, list[0].address, list[0].family)
      },
      (err) => cb(err, []),
    )
  }
}
