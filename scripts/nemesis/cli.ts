/**
 * `npm run nemesis` — two instances under mixed load with a fault every 5 s, then the invariants checked
 * (scripts/nemesis/run.ts). `-- --duration 120s` for a longer run, `-- --soak 30m` for the soak. Exit 1 when
 * a check fails, 2 on bad flags or a run that could not start.
 */
import { parseArgs } from './args'
import { formatReport, runNemesis } from './run'

let options
try {
  options = parseArgs(process.argv.slice(2))
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(2)
}
try {
  const result = await runNemesis(options)
  console.log(formatReport(result))
  process.exit(result.checks.every((c) => c.ok) ? 0 : 1)
} catch (err) {
  console.error(`nemesis could not run: ${err instanceof Error ? err.stack : String(err)}`)
  process.exit(2)
}
