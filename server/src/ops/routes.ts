import { Elysia } from 'elysia'
import { join, dirname } from 'node:path'
import { operations as op } from '../contract/schemas.gen'
import { specText } from '../contract/spec'

export interface Readiness {
  postgres(): Promise<boolean>
  redis(): Promise<boolean>
  redisKind: 'redis' | 'memory'
  draining(): boolean
}

// The reference UI's script is served from the installed package, so /docs works offline and behind firewalls.
const scalarJs = join(dirname(require.resolve('@scalar/api-reference/package.json')), 'dist/browser/standalone.js')
// openapi.yaml names http://localhost:3000 as its server; the reference shows, and builds every snippet for,
// the origin this page was served from instead (another port, a proxy, a real host name).
const docsConfiguration = { withDefaultFonts: false, hideClientButton: true, showDeveloperTools: 'never', agent: { disabled: true } }
const docsHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LiveDrop API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><script id="api-reference" data-url="/openapi.yaml"></script>
<script>document.getElementById('api-reference').dataset.configuration = JSON.stringify(Object.assign(${JSON.stringify(docsConfiguration)}, { servers: [{ url: location.origin, description: 'This server' }] }))</script>
<script src="/docs/scalar.js"></script></body></html>`

export const opsRoutes = (ready: Readiness) =>
  new Elysia()
    .get('/healthz', () => ({ status: 'ok' as const }), op.healthz)
    .get('/readyz', async ({ set }) => {
      const [pg, redis] = await Promise.all([ready.postgres(), ready.redis()])
      const checks = { postgres: pg ? ('up' as const) : ('down' as const), redis: ready.redisKind === 'memory' ? ('memory' as const) : redis ? ('up' as const) : ('down' as const) }
      // Ready means "can serve": without Redis the fallbacks serve (degraded, 200); without Postgres nothing can.
      const status = ready.draining() ? ('draining' as const) : !pg ? ('unavailable' as const) : checks.redis === 'down' ? ('degraded' as const) : ('ready' as const)
      if (status === 'unavailable' || status === 'draining') set.status = 503
      return { status, checks }
    }, op.readyz)
    .get('/openapi.yaml', () => new Response(specText, { headers: { 'content-type': 'application/yaml; charset=utf-8' } }), op.getOpenApi)
    .get('/docs', () => new Response(docsHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } }), op.getDocs)
    .get('/docs/scalar.js', () => new Response(Bun.file(scalarJs), {
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    }), op.getDocsScript)
