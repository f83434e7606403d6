/** `npm run nemesis -- [--duration 60s] [--fault-every 5s] [--soak 30m] [--soak-faults 0|1]` → options. */
export interface NemesisOptions {
  /** how long the load runs, in ms */
  durationMs: number
  /** one fault every this many ms (0: none) */
  faultEveryMs: number
  /** soak mode: sample RSS, fds, connections and p99 per minute, and check that they stay flat */
  soak: boolean
  /** buyers placing orders, each with a personal stream */
  buyers: number
  /** read loops */
  readers: number
  /** subscribers on the drop streams */
  watchers: number
}

/** "90" (seconds), "90s", "2m", "1h", "500ms" → ms */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim())
  if (!m) throw new Error(`not a duration: ${raw} (e.g. 60s, 30m)`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * unit)
}

export const DEFAULTS: NemesisOptions = { durationMs: 60_000, faultEveryMs: 5000, soak: false, buyers: 16, readers: 4, watchers: 6 }

export function parseArgs(argv: string[]): NemesisOptions {
  const o = { ...DEFAULTS }
  let soakFaults = false
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--duration':
        o.durationMs = parseDuration(value())
        break
      case '--fault-every':
        o.faultEveryMs = parseDuration(value())
        break
      case '--soak':
        o.soak = true
        o.durationMs = parseDuration(value())
        break
      case '--soak-faults':
        soakFaults = value() !== '0'
        break
      case '--buyers':
        o.buyers = positive(flag, value())
        break
      case '--readers':
        o.readers = positive(flag, value())
        break
      case '--watchers':
        o.watchers = positive(flag, value())
        break
      case '-h':
      case '--help':
        throw new Error('usage: npm run nemesis -- [--duration 60s] [--fault-every 5s] [--soak 30m [--soak-faults 1]] [--buyers 16] [--readers 4] [--watchers 6]')
      default:
        throw new Error(`unknown flag ${flag} (--help)`)
    }
  }
  // A soak measures drift, not recovery: no faults unless asked for (then a rare one, every 5 minutes).
  if (o.soak) o.faultEveryMs = soakFaults ? 300_000 : 0
  if (o.durationMs < 5000) throw new Error('--duration must be at least 5s')
  return o
}

function positive(flag: string, v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`)
  return n
}
