import { afterAll, beforeAll } from 'bun:test'
import { join } from 'node:path'

export const sdkDir = join(import.meta.dir, '..')
let built: Promise<void> | null = null

/** Runs the package's own build (`npm run build`: tsc → dist/, then the browser bundle) once per test process. */
export function buildSdk(): Promise<void> {
  built ??= (async () => {
    const proc = Bun.spawn(['npm', 'run', 'build', '--silent'], { cwd: sdkDir, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    if (code !== 0) throw new Error(`sdk build failed (${code}):\n${out}\n${err}`)
  })()
  return built
}

/**
 * For suites that run the built package as users do (plain Node, a browser): builds it once, then serves
 * `ctx`'s app over real HTTP on a free loopback port for the file. `url()` is the server's base URL.
 */
export function useBuiltSdkOverHttp(ctx: { app: { handle(req: Request): Response | Promise<Response> }; deps: { live: { start(): Promise<void> } }; close(): Promise<void> }) {
  let server: ReturnType<typeof Bun.serve> | undefined
  beforeAll(async () => {
    await buildSdk()
    await ctx.deps.live.start()
    server = Bun.serve({ port: 0, hostname: '127.0.0.1', idleTimeout: 0, fetch: (req) => ctx.app.handle(req) })
  }, 120_000)
  afterAll(async () => {
    server?.stop(true)
    await ctx.close()
  })
  return { url: () => `http://127.0.0.1:${server!.port}`, port: () => server!.port }
}

/**
 * A page that loads the *built* browser bundle (window.LiveDrop, window.sdkLoaded) at /app/, served with the
 * bundle and its proof-of-work worker next to the API on one origin, as an app would host them: the handler
 * for useChromium (server/test/browser.ts). `body` is the page's own markup; `onWorker` counts fetches of the
 * worker script.
 */
export function sdkPage(o: { app: { handle(req: Request): Response | Promise<Response> }; body?: string; onWorker?: () => void }) {
  const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>LiveDrop SDK in a browser</title></head>
<body>${o.body ?? ''}
<script type="module">
  import * as LiveDrop from '/sdk/livedrop.browser.js'
  window.LiveDrop = LiveDrop
  window.sdkLoaded = true
</script>
</body></html>`
  const js = { 'content-type': 'text/javascript' }
  return {
    fetch(req: Request) {
      const { pathname } = new URL(req.url)
      if (pathname === '/app/') return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      if (pathname === '/sdk/livedrop.browser.js') return new Response(Bun.file(join(sdkDir, 'dist/livedrop.browser.js')), { headers: js })
      if (pathname === '/sdk/altcha-worker.js') {
        o.onWorker?.()
        return new Response(Bun.file(join(sdkDir, 'dist/altcha-worker.js')), { headers: js })
      }
      return o.app.handle(req)
    },
  }
}
