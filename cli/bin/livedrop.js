#!/usr/bin/env node
// `livedrop` launcher. The CLI is TypeScript that runs on Bun (like the rest of the repo), and Bun comes in as the
// root's pinned dev dependency, so a machine with only Node can still run `npx livedrop` after `npm install`:
// under Node this file finds that Bun and hands the process over to it; under Bun it runs the CLI in place.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts')

if (process.versions.bun) {
  await import(pathToFileURL(entry).href)
} else {
  let bun
  try {
    const require = createRequire(import.meta.url)
    const pkg = require.resolve('bun/package.json')
    bun = join(dirname(pkg), require(pkg).bin.bun)
  } catch {
    process.stderr.write('livedrop: Bun was not found; run `npm install` in the LiveDrop repository first\n')
    process.exit(1)
  }
  const child = spawn(bun, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
  // Ctrl-C reaches the whole foreground process group: Bun handles it (the watch view restores the terminal and
  // exits 130); this launcher only waits and passes the exit status on.
  const forward = (sig) => () => child.kill(sig)
  process.on('SIGINT', () => {})
  process.on('SIGTERM', forward('SIGTERM'))
  process.on('SIGHUP', forward('SIGHUP'))
  child.on('error', (err) => {
    process.stderr.write(`livedrop: cannot start Bun (${err.message})\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1))
  })
}
