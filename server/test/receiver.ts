/**
 * A real HTTP server on loopback that plays webhook receiver: it records every request and answers each path
 * as the test says — 200, 500, or never (a hung endpoint).
 */
import { afterAll, beforeAll } from 'bun:test'
import type { Config } from '../src/config'
import { ENUMS } from '../src/contract/vocabulary.gen'
import { createTestContext, testConfig } from './helpers'

export type Answer = 'ok' | 'fail' | 'hang'

export interface Received {
  path: string
  headers: Headers
  body: string
  at: number
  answer: Answer
}

export function webhookReceiver(port = 0) {
  const received: Received[] = []
  const plans = new Map<string, (n: number) => Answer>()
  const hung: Array<() => void> = []
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname
      const body = await req.text()
      const n = received.filter((r) => r.path === path).length + 1
      const answer = plans.get(path)?.(n) ?? 'ok'
      received.push({ path, headers: req.headers, body, at: Date.now(), answer })
      if (answer === 'hang') return new Promise<Response>((resolve) => hung.push(() => resolve(new Response('late'))))
      return new Response(answer, { status: answer === 'ok' ? 200 : 500 })
    },
  })
  return {
    url: (path: string) => `http://127.0.0.1:${server.port}${path}`,
    port: server.port,
    /** how the n-th request (from 1) to `path` is answered */
    plan(path: string, answer: (n: number) => Answer) {
      plans.set(path, answer)
    },
    at: (path: string) => received.filter((r) => r.path === path),
    received,
    stop() {
      for (const release of hung) release()
      server.stop(true)
    },
  }
}

/** Polls `check` until it returns something truthy or `timeoutMs` passes (then throws with `what`). */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>

export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v as Truthy<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(20)
  }
}

/**
 * A webhook suite's world: an in-process app whose relay and webhook worker run as on a server (loopback
 * deliveries allowed, the worker polling every 20 ms unless `webhooks` says otherwise), a receiver, and every
 * webhook event type of the contract. Registers the file's beforeAll/afterAll.
 */
export function webhookWorld(webhooks: Partial<Config['webhooks']> = {}) {
  const ctx = createTestContext({
    rateLimit: { ...testConfig().rateLimit, enabled: false },
    webhooks: { ...testConfig().webhooks, allowHttpLoopback: true, pollMs: 20, ...webhooks },
  })
  const rx = webhookReceiver()
  beforeAll(async () => {
    await ctx.deps.live.start({ notifier: false })
    ctx.deps.webhookWorker.start()
  })
  afterAll(async () => {
    rx.stop()
    await ctx.close()
  })
  return { ctx, api: ctx.api, deps: ctx.deps, rx, ALL: [...ENUMS.WebhookEventType] }
}
