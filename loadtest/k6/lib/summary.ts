/** handleSummary: the full k6 summary as JSON under results/, and a short verdict on stdout. */
interface SummaryData {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>
}

export function summaryOutputs(scenario: string, data: SummaryData): Record<string, string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const lines: string[] = [`LiveDrop k6 ${scenario}`]
  let pass = true
  for (const [name, m] of Object.entries(data.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      pass &&= t.ok
      lines.push(`${t.ok ? 'PASS' : 'FAIL'}  ${name} ${expr}`)
    }
  }
  const d = data.metrics['http_req_duration']?.values
  if (d) lines.push(`http_req_duration p50 ${d['med']?.toFixed(1)} ms, p95 ${d['p(95)']?.toFixed(1)} ms, max ${d['max']?.toFixed(1)} ms`)
  lines.push(pass ? 'RESULT: PASS' : 'RESULT: FAIL')
  return {
    stdout: lines.join('\n') + '\n',
    // k6 does not create folders: run from the repository root, where results/ exists after any runner run
    // (or mkdir -p results), or set RESULTS_DIR.
    [`${__ENV.RESULTS_DIR || 'results'}/k6-${scenario}-${stamp}.json`]: JSON.stringify(data, null, 2),
  }
}
