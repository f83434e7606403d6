/** One measured autocannon run, as the benchmarks print it: req/s and exact latency percentiles. */
import autocannon from 'autocannon'

export interface Row {
  name: string
  rps: number
  p50: number
  p95: number
  p99: number
  non2xx: number
  errors: number
}

/**
 * A 2 s warm-up (JIT, connection pools, caches), not measured, then `duration` seconds measured. autocannon
 * reports p97.5, not p95: every latency is collected and the percentiles computed from them.
 */
export async function measure(name: string, opts: autocannon.Options & { duration: number }): Promise<Row> {
  const times: number[] = []
  await autocannon({ ...opts, duration: 2 })
  const result = await autocannon({
    ...opts,
    setupClient: (client: any) => client.on('response', (_s: number, _b: number, ms: number) => times.push(ms)),
  })
  times.sort((a, b) => a - b)
  const pct = (p: number) => +times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2)
  return { name, rps: Math.round(result.requests.average), p50: pct(50), p95: pct(95), p99: pct(99), non2xx: result.non2xx, errors: result.errors }
}
