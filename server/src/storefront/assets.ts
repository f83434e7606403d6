import { join } from 'node:path'

/**
 * The storefront's files, bundled in memory with Bun.build when the server starts (about 50 ms): there is no
 * build step to forget and nothing built to go stale. The SDK is bundled exactly as its own browser build
 * (`npm run build -w sdk` → dist/livedrop.browser.js) and served on its own; the storefront imports it by
 * name through an import map, as any app using `@livedrop/sdk` in a browser would.
 */
export interface Asset {
  body: Blob | string
  type: string
}
export interface StorefrontAssets {
  /** content hash of the three files, in the page's asset URLs (?v=) */
  version: string
  html: string
  files: Record<'livedrop.browser.js' | 'altcha-worker.js' | 'storefront.js' | 'storefront.css', Asset>
}

const ROOT = join(import.meta.dir, '..', '..', '..')
const JS = 'text/javascript; charset=utf-8'

async function bundle(entry: string, external: string[] = []): Promise<Blob> {
  const out = await Bun.build({
    entrypoints: [entry],
    target: 'browser',
    format: 'esm',
    minify: true,
    external,
    // Stated here, not only in tsconfig.json (which the Docker image does not carry).
    jsx: { runtime: 'automatic', importSource: 'preact', development: false },
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  if (!out.success) throw new AggregateError(out.logs, `storefront: could not bundle ${entry}`)
  return out.outputs[0]!
}

/** A short content hash: asset URLs change with their content, so browsers may keep them for a year. */
async function version(...parts: Array<Blob | string>): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256')
  for (const p of parts) hasher.update(typeof p === 'string' ? p : await p.arrayBuffer())
  return hasher.digest('hex').slice(0, 12)
}

export async function buildStorefrontAssets(): Promise<StorefrontAssets> {
  const [sdk, worker, app, css] = await Promise.all([
    bundle(join(ROOT, 'sdk/src/index.ts')),
    // The SDK's proof-of-work worker, served beside it: the SDK finds it relative to its own URL.
    bundle(join(ROOT, 'sdk/src/pow-worker.ts')),
    bundle(join(import.meta.dir, 'client/main.tsx'), ['@livedrop/sdk']),
    Bun.file(join(import.meta.dir, 'client/storefront.css')).text(),
  ])
  const v = await version(sdk, worker, app, css)
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LiveDrop</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/storefront.css?v=${v}">
<script type="importmap">${JSON.stringify({ imports: { '@livedrop/sdk': `/assets/livedrop.browser.js?v=${v}` } })}</script>
<script type="module" src="/assets/storefront.js?v=${v}"></script>
</head><body><div id="app"><p class="boot">Loading LiveDrop…</p><noscript>The storefront needs JavaScript; the API itself is at <a href="/docs">/docs</a>.</noscript></div></body></html>`
  return {
    version: v,
    html,
    files: {
      'livedrop.browser.js': { body: sdk, type: JS },
      'altcha-worker.js': { body: worker, type: JS },
      'storefront.js': { body: app, type: JS },
      'storefront.css': { body: css, type: 'text/css; charset=utf-8' },
    },
  }
}

let built: Promise<StorefrontAssets> | null = null
/** Built once per process, on first use (main.ts asks at start so the first visitor does not wait). */
export const storefrontAssets = () => (built ??= buildStorefrontAssets())
