/** What `npm start` prints for a person: where to look, the demo drop and when it opens, how to reach this port. */
export interface BannerInput {
  url: string
  port: number
  postgres: string
  embedded: boolean
  redis: string
  demo: { email: string; password: string; dropId: string; dropStatus: string; dropStartsAt: string } | null
  now?: number
}

function inWords(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 90) return `${s} s`
  const min = Math.round(s / 60)
  return min < 90 ? `${min} min` : `${Math.round(min / 60)} h`
}

function demoWhen(demo: NonNullable<BannerInput['demo']>, now: number): string {
  if (demo.dropStatus === 'live') return 'live now'
  if (demo.dropStatus !== 'scheduled') return demo.dropStatus
  const at = new Date(demo.dropStartsAt)
  const left = at.getTime() - now
  return left > 0 ? `goes live at ${at.toTimeString().slice(0, 8)} (in ${inWords(left)})` : 'going live now'
}

export function startBanner(b: BannerInput): string {
  const now = b.now ?? Date.now()
  const lines = [
    '',
    `  Storefront     ${b.url}/`,
    `  API docs       ${b.url}/docs`,
    `  Contract       ${b.url}/openapi.yaml`,
    `  PostgreSQL     ${b.postgres}`,
    `  Redis          ${b.redis}`,
  ]
  if (b.demo) {
    lines.push(
      `  Demo drop      ${b.url}/drops/${b.demo.dropId}  ${demoWhen(b.demo, now)}`,
      `  Demo login     ${b.demo.email} / ${b.demo.password}`,
    )
  }
  // The CLI, the SDK's examples and the docs assume port 3000: say how to point them elsewhere.
  if (b.port !== 3000) {
    lines.push(
      '',
      `  Not on port 3000, so point clients here:`,
      `    CLI          LIVEDROP_API_URL=${b.url} npx livedrop login --email ${b.demo?.email ?? '<email>'}`,
      `    SDK          createLiveDrop({ baseUrl: '${b.url}' })   (the SDK example reads LIVEDROP_API_URL too)`,
    )
  }
  lines.push('', `  Ctrl-C stops the server${b.embedded ? ', then its embedded PostgreSQL' : ''}.`, '')
  return lines.join('\n')
}
