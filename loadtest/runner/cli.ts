#!/usr/bin/env bun
/** `npm run loadtest -- <scenario> [options]`: the report table to stdout, progress to stderr. */
import { parseArgs, UsageError } from './args'
import { run, table } from './run'
import { runCompare } from './compare'

let options
try {
  options = parseArgs(process.argv.slice(2))
} catch (e) {
  if (e instanceof UsageError) {
    console.error(e.message)
    process.exit(2)
  }
  throw e
}
try {
  const { report, files } = options.compare ? await runCompare(options) : await run(options)
  console.log(table(report))
  if (files) console.error(`\nwrote ${files.json}\n      ${files.html}`)
  process.exit(report.pass ? 0 : 1)
} catch (e) {
  console.error(`loadtest: ${(e as Error).message}`)
  process.exit(2)
}
