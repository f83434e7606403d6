/**
 * What the benchmarks seed, through the SDK like every client: a fresh creator with one product and one drop.
 */
import { createLiveDrop, type Drop, type LiveDrop } from '@livedrop/sdk'

const must = <T>(r: { data?: T; error?: unknown; response: Response }, what: string): T => {
  if (r.data === undefined) throw new Error(`${what} → ${r.response.status} ${JSON.stringify(r.error)}`)
  return r.data
}

/** A new creator's session and a drop of `initialStock` units starting `startsInMs` from now. */
export async function seedCreatorDrop(baseUrl: string, o: { initialStock: number; startsInMs: number }): Promise<{ ld: LiveDrop; drop: Drop }> {
  const ld = createLiveDrop({ baseUrl })
  const name = `bench_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`
  must(await ld.register({ username: name, email: `${name}@bench.test`, password: 'bench password 123' }), 'register')
  must(await ld.POST('/v1/creators', { body: { handle: name.replaceAll('_', '-'), displayName: 'Bench' } }), 'POST /v1/creators')
  const product = must(await ld.POST('/v1/products', { body: { title: 'Bench item', priceCents: 1999, currency: 'EUR' } }), 'POST /v1/products')
  const drop = must(await ld.POST('/v1/drops', { body: { productId: product.id, startsAt: new Date(Date.now() + o.startsInMs).toISOString(), initialStock: o.initialStock } }), 'POST /v1/drops')
  return { ld, drop }
}

/** Waits (up to `timeoutMs`) until the scheduler has moved the drop live. */
export async function untilLive(ld: LiveDrop, dropId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const r = await ld.GET('/v1/drops/{dropId}', { params: { path: { dropId } } })
    if (r.data?.status === 'live') return
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error(`drop ${dropId} did not go live within ${timeoutMs / 1000} s`)
}

export { must }
