/** Flag parsing, apart from the work (gh CLI's NewCmd/Run split), so both are testable. */
import { parseDuration, type ScenarioName } from '../workloads'
import type { RunOptions } from './run'

export const USAGE = `usage: npm run loadtest -- <browse|rush|sse|drop-day|queue> [options]

  --rate N          arrivals per second (browse/drop-day: reads, rush: order attempts; default 1500 / 150 / 1000)
  --order-rate N    drop-day: order attempts per second next to the reads (default 150)
  --duration D      how long to hold the rate, e.g. 30s, 2m (default 30s; 10s per step with --find-max)
  --target URL      a running server; without it the runner starts one (DATABASE_URL or embedded PostgreSQL)
  --find-max        step the rate up 25 % at a time until p95 or the error rate breaks the target, then bisect (browse, rush)
  --p95 MS          the p95 a find-max step must hold (default: the scenario's target; 50 with --compare)
  --compare         rush: pgbench's ceilings, then the batched and the one-order-per-statement server stepped up
                    back to back on DATABASE_URL, plus hot-drop reads during a 2,000 orders/s rush, and the ratios
  --users N         distinct buyers for rush and drop-day (default 1000); queue: arrivals (default 20000 for
                    500 units; 300 or fewer runs the CI size, 80 units)
  --subscribers N   SSE subscribers for sse (default 2000) and drop-day (default 500); queue: buyers holding a
                    real queue stream (default 200)
  --connections N   HTTP connections (default rate / 10)
  --warmup D        unrecorded reads before measuring (default 2s; 0s measures from cold)
  --results DIR     where the JSON and HTML reports go (default results/)
  --no-write        print only

Exit status: 0 every target and audit check passed, 1 a check failed, 2 the run could not be made.`

const SCENARIOS: ScenarioName[] = ['browse', 'rush', 'sse', 'drop-day', 'queue']

export class UsageError extends Error {}

function positive(flag: string, v: string | undefined): number {
  const n = Number(v)
  if (v === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got "${v ?? ''}"`)
  return n
}

export function parseArgs(argv: string[]): RunOptions {
  const rest = [...argv]
  const scenario = rest.shift()
  if (!scenario || scenario === '--help' || scenario === '-h') throw new UsageError(USAGE)
  if (!SCENARIOS.includes(scenario as ScenarioName)) throw new UsageError(`unknown scenario "${scenario}"\n\n${USAGE}`)
  const o: RunOptions = { scenario: scenario as ScenarioName }
  while (rest.length) {
    const raw = rest.shift()!
    const [flag, inline] = raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined]
    const value = () => inline ?? rest.shift()
    switch (flag) {
      case '--rate': o.rate = positive(flag, value()); break
      case '--order-rate': o.orderRate = positive(flag, value()); break
      case '--duration': {
        const v = value()
        try {
          o.durationSec = parseDuration(v ?? '')
        } catch (e) {
          throw new UsageError((e as Error).message)
        }
        break
      }
      case '--target': o.target = value(); if (!o.target || !/^https?:\/\//.test(o.target)) throw new UsageError('--target needs an http(s) URL'); break
      case '--find-max': o.findMax = true; break
      case '--p95': o.p95Ms = positive(flag, value()); break
      case '--compare': o.compare = true; break
      case '--users': o.users = Math.round(positive(flag, value())); break
      case '--subscribers': o.subscribers = Math.round(positive(flag, value())); break
      case '--connections': o.connections = Math.round(positive(flag, value())); break
      case '--warmup': {
        const v = value()
        try {
          o.warmupSec = parseDuration(v ?? '')
        } catch (e) {
          throw new UsageError((e as Error).message)
        }
        break
      }
      case '--results': o.resultsDir = value(); break
      case '--no-write': o.write = false; break
      case '--help': case '-h': throw new UsageError(USAGE)
      default: throw new UsageError(`unknown option "${raw}"\n\n${USAGE}`)
    }
  }
  if (o.findMax && o.scenario !== 'browse' && o.scenario !== 'rush') throw new UsageError('--find-max applies to browse and rush')
  if (o.compare && o.scenario !== 'rush') throw new UsageError('--compare applies to rush')
  if (o.compare && o.target) throw new UsageError('--compare starts its own two servers; it takes no --target')
  return o
}
