/**
 * The statistics the queue scenario prints: Kendall's tau-b (ties allowed: admissions are observed per admitter
 * batch) with its normal approximation under independence, and a chi-square test of independence on a k×k table
 * of quantile bins. Small, pure and tested (queue-stats.test.ts); no library in the lists does tau-b with ties.
 */

/** Kendall's tau-b of paired ranks, and z under H0 (no association). O(n²): n is at most a few thousand here. */
export function kendallTauB(x: number[], y: number[]): { tau: number; z: number; n: number } {
  const n = x.length
  let concordant = 0
  let discordant = 0
  let tiesX = 0
  let tiesY = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!)
      const dy = Math.sign(y[i]! - y[j]!)
      if (dx === 0 && dy === 0) continue
      if (dx === 0) tiesX++
      else if (dy === 0) tiesY++
      else if (dx === dy) concordant++
      else discordant++
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY))
  const tau = denom === 0 ? 0 : (concordant - discordant) / denom
  // Variance of tau under H0 without tie correction (conservative enough at these n).
  const sd = Math.sqrt((2 * (2 * n + 5)) / (9 * n * Math.max(1, n - 1)))
  return { tau, z: n < 3 ? 0 : tau / sd, n }
}

/** Rank with ties broken by `random` (used to bin tied admissions fairly). */
function binOf(values: number[], k: number, random: () => number): number[] {
  const order = values.map((v, i) => ({ v, i, r: random() })).sort((a, b) => a.v - b.v || a.r - b.r)
  const bins = new Array<number>(values.length)
  order.forEach((o, rank) => {
    bins[o.i] = Math.min(k - 1, Math.floor((rank * k) / values.length))
  })
  return bins
}

/** Chi-square statistic of independence between the quantile bins of x and y (k×k table, (k−1)² df). */
export function chiSquareBins(x: number[], y: number[], k: number, random = Math.random): { chi2: number; df: number; table: number[][] } {
  const bx = binOf(x, k, random)
  const by = binOf(y, k, random)
  const table = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  bx.forEach((b, i) => table[b]![by[i]!]!++)
  const n = x.length
  const rows = table.map((r) => r.reduce((a, b) => a + b, 0))
  const cols = table[0]!.map((_, c) => table.reduce((a, r) => a + r[c]!, 0))
  let chi2 = 0
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) {
    const expected = (rows[r]! * cols[c]!) / n
    if (expected > 0) chi2 += (table[r]![c]! - expected) ** 2 / expected
  }
  return { chi2, df: (k - 1) ** 2, table }
}

/** Upper critical values of chi-square at p = 0.001 by degrees of freedom (k = 2..5). */
export const CHI2_CRITICAL_001: Record<number, number> = { 1: 10.828, 4: 18.467, 9: 27.877, 16: 39.252 }
/** |z| above this rejects "no association" at p = 0.001, two-sided. */
export const Z_CRITICAL_001 = 3.291

export function percentile(values: number[], q: number): number {
  if (!values.length) return 0
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}
