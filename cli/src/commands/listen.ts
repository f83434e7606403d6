import { randomBytes } from 'node:crypto'
import { signWebhook, type WebhookEventType } from '@livedrop/sdk'
import { defineCommand, type CommandGroup } from '../command'
import type { Context } from '../context'
import { CliError, EXIT, UsageError, type ExitCode } from '../errors'
import { str } from '../parse'
import { formatLocal } from '../time'
import { parseEvents, WEBHOOK_EVENTS } from './webhooks'
import pkg from '../../package.json'

export interface ListenOptions {
  forwardTo: string | null
  /** null: every webhook event */
  events: WebhookEventType[] | null
  /** --secret; else the profile's own listen secret */
  secret: string | null
  printSecret: boolean
  timeoutMs: number
}

/** What happened to one forwarded event (a line of output). */
export interface Forwarded {
  id: string
  type: string
  dropId: string | null
  /** the local endpoint's HTTP status; null when it gave no answer */
  status: number | null
  latencyMs: number
  /** null on a 2xx */
  error: string | null
}

/** Like a real delivery: a 2xx within 10 s is success (openapi.yaml, the webhooks tag). */
const DEFAULT_TIMEOUT_MS = 10_000

function parseForwardTo(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--forward-to: "${raw}" is not a URL`, 'Example: --forward-to http://localhost:8080/webhooks')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--forward-to: "${raw}" must be http or https`)
  return url.toString()
}

/**
 * The secret forwarded events are signed with: --secret (e.g. the real endpoint's, so the local app runs with its
 * production configuration), else one made for the profile on first use and kept, as `stripe listen` does, so
 * the local app's configuration stays valid from one run to the next.
 */
export function listenSecret(ctx: Context, given: string | null): string {
  if (given) return given
  const kept = ctx.config.profile(ctx.profileName).listenSecret
  if (kept) return kept
  const made = `whsec_${randomBytes(32).toString('base64url')}`
  ctx.config.update(ctx.profileName, (p) => ({ ...p, listenSecret: made }))
  return made
}

/**
 * POSTs one event to the local URL exactly as a webhook delivery would come: the same body bytes, signed
 * (`LiveDrop-Signature`), with `LiveDrop-Event-Id` and `LiveDrop-Event-Type`. Redirects are not followed (a 3xx
 * is reported, as a delivery would record it). Bounded by `timeoutMs`; an abort (Ctrl-C) ends it at once.
 */
export async function forwardEvent(url: string, raw: string, secret: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<Forwarded> {
  const event = JSON.parse(raw) as { id: string; type: string; dropId?: string | null }
  const started = performance.now()
  const done = (status: number | null, error: string | null): Forwarded => ({
    id: event.id, type: event.type, dropId: event.dropId ?? null, status, error, latencyMs: Math.round(performance.now() - started),
  })
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  try {
    const res = await fetch(url, {
      method: 'POST',
      body: raw,
      redirect: 'manual',
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      headers: {
        'content-type': 'application/json',
        'user-agent': `LiveDrop-CLI/${pkg.version} (listen)`,
        'livedrop-signature': await signWebhook(raw, secret),
        'livedrop-event-id': event.id,
        'livedrop-event-type': event.type,
      },
    })
    await res.arrayBuffer() // the answer's end, not its first byte, is when the endpoint is done
    return done(res.status, res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`)
  } catch (err) {
    if (timeout.aborted) return done(null, `timeout after ${opts.timeoutMs} ms`)
    const e = err as { code?: string; message?: string }
    if (/ConnectionRefused|ECONNREFUSED|Unable to connect/i.test(`${e.code} ${e.message}`)) return done(null, 'connection refused')
    return done(null, e.message ?? String(err))
  }
}

/** One line per event: when, what, and what the local endpoint said. */
export function renderForwarded(f: Forwarded, at: number, c: Context['out']): string {
  const outcome = f.status === null ? c.red(`error: ${f.error}`) : f.error === null ? c.green(`[${f.status}]`) : c.red(`[${f.status}]`)
  return `${formatLocal(at, true)}  ${f.type.padEnd(16)} ${c.dim(f.id)}  → ${outcome}  ${f.latencyMs} ms\n`
}

export const listen = defineCommand<ListenOptions>({
  name: 'listen',
  summary: "Forward the events of your drops, signed, to a local URL (like a webhook endpoint) while you build",
  description: 'Streams the events your webhooks would receive (every drop of yours, whether or not an endpoint is ' +
    'registered) and POSTs each to --forward-to exactly as a delivery comes: the same JSON body, LiveDrop-Event-Id, ' +
    'LiveDrop-Event-Type and a LiveDrop-Signature made with the secret printed at start (verify it with the SDK\'s ' +
    'verifyWebhook). The secret is kept in the profile, so it stays the same from run to run; --secret uses yours. ' +
    'Prints one line per event with the local status and latency (--json: one JSON object per line). A dropped ' +
    'connection resumes where it stopped (Last-Event-ID): no event is lost or forwarded twice. Ctrl-C stops (exit 130).',
  examples: [
    'livedrop listen --forward-to http://localhost:8080/webhooks',
    'livedrop listen --forward-to http://localhost:8080/webhooks --events order.confirmed,drop.sold_out',
    'livedrop listen --forward-to http://localhost:8080/webhooks --secret "$LIVEDROP_WEBHOOK_SECRET" --json',
    'livedrop listen --print-secret',
  ],
  configure: (cmd) =>
    cmd
      .option('--forward-to <url>', 'the local URL that receives the POSTs')
      .option('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}; or "all" (default)`)
      .option('--secret <secret>', 'sign with this secret instead of the profile\'s listen secret')
      .option('--print-secret', 'print the signing secret and exit')
      .option('--timeout <ms>', `how long the local URL may take to answer (default ${DEFAULT_TIMEOUT_MS})`),
  parse({ opts }) {
    const printSecret = Boolean(opts.printSecret)
    const raw = str(opts, 'forwardTo')
    if (!printSecret && (raw === undefined || raw.trim() === '')) throw new UsageError('--forward-to is required', 'Example: livedrop listen --forward-to http://localhost:8080/webhooks')
    const secret = str(opts, 'secret')
    if (secret !== undefined && secret.trim().length < 8) throw new UsageError('--secret must be at least 8 characters')
    const timeout = str(opts, 'timeout')
    if (timeout !== undefined && !/^\d+$/.test(timeout.trim())) throw new UsageError(`--timeout must be a whole number of milliseconds, got "${timeout}"`)
    const timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(timeout)
    if (timeoutMs < 1 || timeoutMs > 60_000) throw new UsageError(`--timeout must be between 1 and 60000, got ${timeoutMs}`)
    const events = str(opts, 'events')
    return {
      forwardTo: raw === undefined ? null : parseForwardTo(raw.trim()),
      events: events === undefined || events.trim() === 'all' ? null : parseEvents(events),
      secret: secret?.trim() ?? null,
      printSecret,
      timeoutMs,
    }
  },
  run: runListen,
})

export async function runListen(ctx: Context, o: ListenOptions): Promise<ExitCode> {
  const secret = listenSecret(ctx, o.secret)
  if (o.printSecret) {
    ctx.rt.stdout.write(secret + '\n')
    return EXIT.ok
  }
  const url = o.forwardTo!
  const sdk = ctx.authed()
  if (ctx.signal.aborted) return EXIT.interrupted
  const stop = new AbortController()
  const onInterrupt = () => stop.abort()
  ctx.signal.addEventListener('abort', onInterrupt, { once: true })
  try {
    let ready = false
    // The SDK reconnects by itself with Last-Event-ID; it records an event's id before handing it over, and the
    // next one is asked for only once this one is forwarded: in order, none twice, none lost.
    for await (const e of sdk.subscribe({ webhooks: true }, { signal: stop.signal })) {
      if (e.type === 'state') {
        if (!ready) {
          const which = o.events ? o.events.join(', ') : 'every event'
          ctx.info(`${ctx.err.green('Ready!')} Forwarding ${which} of your drops to ${url}`)
          ctx.info(`Your webhook signing secret is ${ctx.err.bold(secret)} (Ctrl-C to quit)`)
        }
        ready = true
        continue
      }
      if (e.type === 'reset') {
        ctx.info(ctx.err.yellow('warning: disconnected for longer than the server keeps events; some were missed. Continuing from now.'))
        continue
      }
      if (e.type === 'stream.closed') {
        const reason = (e.data as { reason?: string }).reason ?? 'closed'
        throw new CliError(`the session ended (${reason}); nothing more can be forwarded`, { exitCode: EXIT.auth, code: 'SESSION_ENDED', hint: 'Run `livedrop login` and start listen again.' })
      }
      if (o.events && !o.events.includes(e.type)) continue
      const f = await forwardEvent(url, e.raw, secret, { timeoutMs: o.timeoutMs, signal: stop.signal })
      if (stop.signal.aborted) break
      ctx.rt.stdout.write(ctx.json ? JSON.stringify({ ...f, at: new Date(ctx.now()).toISOString() }) + '\n' : renderForwarded(f, ctx.now(), ctx.out))
    }
    return ctx.signal.aborted ? EXIT.interrupted : EXIT.ok
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt)
    stop.abort()
  }
}

export const listenCommands: CommandGroup = { name: null, summary: 'Local development', commands: [listen] }
