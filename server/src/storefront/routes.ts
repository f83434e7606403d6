import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { storefrontAssets, type StorefrontAssets } from './assets'

const page = async () =>
  new Response((await storefrontAssets()).html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } })

// Asset URLs carry a content hash (?v=) in the page, so a browser may keep them: a new build is a new URL.
const asset = (name: keyof StorefrontAssets['files']) => async () => {
  const file = (await storefrontAssets()).files[name]
  return new Response(file.body, { headers: { 'content-type': file.type, 'cache-control': 'public, max-age=31536000, immutable' } })
}

/** The storefront: one HTML shell for its three pages (the client routes), and its assets. */
export const storefrontRoutes = () =>
  new Elysia()
    .get('/', page, op.getStorefront)
    .get('/drops/:dropId', page, op.getStorefrontDrop)
    .get('/orders', page, op.getStorefrontOrders)
    .get('/assets/livedrop.browser.js', asset('livedrop.browser.js'), op.getSdkBrowserBundle)
    .get('/assets/storefront.js', asset('storefront.js'), op.getStorefrontScript)
    .get('/assets/storefront.css', asset('storefront.css'), op.getStorefrontStyles)
