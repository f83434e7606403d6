import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { storefrontAssets, type StorefrontAssets } from './assets'

const page = async () =>
  new Response((await storefrontAssets()).html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } })

// The page's asset URLs carry the content hash (?v=): those a browser may keep for a year, since a new build
// is a new URL. Any other URL of an asset (an app importing /assets/livedrop.browser.js) is revalidated.
const asset = (name: keyof StorefrontAssets['files']) => async ({ query }: { query: { v?: string } }) => {
  const built = await storefrontAssets()
  const file = built.files[name]
  const cache = query.v === built.version ? 'public, max-age=31536000, immutable' : 'no-cache'
  return new Response(file.body, { headers: { 'content-type': file.type, 'cache-control': cache } })
}

/** The storefront: one HTML shell for its three pages (the client routes), and its assets. */
export const storefrontRoutes = () =>
  new Elysia()
    .get('/', page, op.getStorefront)
    .get('/drops/:dropId', page, op.getStorefrontDrop)
    .get('/orders', page, op.getStorefrontOrders)
    .get('/assets/livedrop.browser.js', asset('livedrop.browser.js'), op.getSdkBrowserBundle)
    .get('/assets/altcha-worker.js', asset('altcha-worker.js'), op.getSdkPowWorker)
    .get('/assets/storefront.js', asset('storefront.js'), op.getStorefrontScript)
    .get('/assets/storefront.css', asset('storefront.css'), op.getStorefrontStyles)
