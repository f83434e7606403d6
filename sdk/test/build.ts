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
