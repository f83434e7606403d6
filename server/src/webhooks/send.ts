import http from 'node:http'
import https from 'node:https'
import ipaddr from 'ipaddr.js'
import { forbiddenRange, guardedLookup, type Resolve, type SsrfPolicy, systemResolve } from './ssrf'

export interface SendResult {
  statusCode: number | null
  latencyMs: number
  /** null on a 2xx */
  error: string | null
}

/**
 * One POST of a webhook. node:http(s) rather than fetch for two reasons: its `lookup` hook lets the SSRF guard
 * vet the very addresses the socket connects to, and it never follows redirects (a 3xx is a failed attempt,
 * never a second request to wherever the Location points). The whole attempt — DNS, connect, TLS, answer — is
 * bounded by `timeoutMs`; the answer's body is read only up to 4 KiB and dropped.
 */
export function sendWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; policy: SsrfPolicy; resolve?: Resolve },
): Promise<SendResult> {
  const started = performance.now()
  const done = (statusCode: number | null, error: string | null): SendResult => ({ statusCode, error, latencyMs: Math.round(performance.now() - started) })
  return new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(target)
    } catch {
      return resolve(done(null, 'invalid url'))
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
    // An IP literal never goes through `lookup`: vet it here.
    if (ipaddr.isValid(host)) {
      const range = forbiddenRange(host, opts.policy)
      if (range) return resolve(done(null, `refused address ${host} (${range})`))
    }
    if (url.protocol === 'http:' && !opts.policy.allowHttpLoopback) return resolve(done(null, 'refused: http'))
    const base = opts.resolve ?? systemResolve
    // The dev setting's http may only stay on the machine, whatever the name resolves to by now.
    const resolveFor: Resolve = url.protocol === 'https:' ? base : async (h) => {
      const addresses = await base(h)
      if (addresses.some((a) => ipaddr.parse(a).range() !== 'loopback')) throw Object.assign(new Error('refused: http to a non-loopback address'), { code: 'EFORBIDDEN_ADDRESS' })
      return addresses
    }
    const mod = url.protocol === 'https:' ? https : http
    let settled = false
    const finish = (r: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    const req = mod.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'LiveDrop-Webhooks/1', ...headers },
      lookup: guardedLookup(opts.policy, resolveFor) as never,
    }, (res) => {
      const status = res.statusCode ?? 0
      let seen = 0
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length
        if (seen > 4096) res.destroy()
      })
      const end = () => finish(done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`))
      res.on('end', end)
      res.on('close', end)
      res.on('error', end)
    })
    const timer = setTimeout(() => {
      req.destroy()
      finish(done(null, `timeout after ${opts.timeoutMs} ms`))
    }, opts.timeoutMs)
    req.on('error', (err: NodeJS.ErrnoException) => finish(done(null, err.code === 'EFORBIDDEN_ADDRESS' ? err.message : `connection error: ${err.code ?? err.message}`)))
    req.end(body)
  })
}
