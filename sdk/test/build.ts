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
