/**
 * The headless Chromium the browser tests drive (Debian's package; CHROMIUM_PATH overrides), launched the same
 * way everywhere: no sandbox (CI runs as root), and nothing of its own that reaches the network.
 */
import { afterAll, beforeAll } from 'bun:test'
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

export interface ChromiumSuite {
  browser(): Browser
  /** the served origin, plus `path` */
  url(path?: string): string
}

/**
 * A browser suite's set-up, the same for every suite: before its tests, runs `before`, serves `fetch` over HTTP
 * on loopback (port 0 = a free one) and launches Chromium; after them, closes both and the context, then runs
 * `after`. Without Chromium nothing starts (the suite skips itself, and says so).
 */
export function useChromium(
  ctx: { close(): Promise<void> },
  serve: { fetch(req: Request): Response | Promise<Response>; port?: number },
  hooks: { before?: () => Promise<unknown>; after?: () => void } = {},
): ChromiumSuite {
  let browser: Browser | undefined
  let server: ReturnType<typeof Bun.serve> | undefined
  beforeAll(async () => {
    if (!hasChromium) return
    await hooks.before?.()
    server = Bun.serve({
      port: serve.port ?? 0,
      hostname: '127.0.0.1',
      idleTimeout: 0, // SSE streams stay open between heartbeats
      maxRequestBodySize: Number.MAX_SAFE_INTEGER, // image uploads go through the same origin
      fetch: serve.fetch,
    })
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    server?.stop(true)
    await ctx.close()
    hooks.after?.()
  })
  return { browser: () => browser!, url: (path = '') => `http://127.0.0.1:${server!.port}${path}` }
}
