/**
 * The run's data, made through the API (the SDK) like any client would: a creator with three drops — a hot
 * one that sells out under the faults, a big one that never does, and one that the schedulers move live in
 * the middle of the run — and the buyers, who follow the creator (so drop.live reaches their personal streams).
 */
import { createLiveDrop, type LiveDrop } from '@livedrop/sdk'
import { BALANCED_ORIGIN } from './balancer'
import type { FetchLike } from '@livedrop/sdk'

export interface Buyer {
  n: number
  userId: string
  client: LiveDrop
}

export interface Seeded {
  creatorId: string
  owner: LiveDrop
  /** the drops orders go to: hot (small stock), big, and the one that goes live mid-run */
  drops: { hot: string; big: string; later: string }
  laterStartsAt: number
  buyers: Buyer[]
}

const run = Date.now().toString(36)

async function account(fetch: FetchLike, name: string): Promise<LiveDrop> {
  const client = createLiveDrop({ baseUrl: BALANCED_ORIGIN, fetch })
  const { error } = await client.register({ username: `${name}_${run}`, email: `${name}.${run}@nemesis.test`, password: 'correct horse battery staple' })
  if (error) throw new Error(`register ${name}: ${error.code} ${error.detail ?? ''}`)
  return client
}

function must<T>(r: { data?: T; error?: { code?: string; detail?: string } }, what: string): T {
  if (r.data === undefined) throw new Error(`${what}: ${r.error?.code} ${r.error?.detail ?? ''}`)
  return r.data
}

export async function seed(fetch: FetchLike, o: { buyers: number; hotStock: number; bigStock: number; laterInMs: number; perUserLimit?: number }): Promise<Seeded> {
  const owner = await account(fetch, 'owner')
  const creator = must(await owner.POST('/v1/creators', { body: { handle: `nemesis${run}`, displayName: 'Nemesis' } }), 'create creator')
  const product = must(await owner.POST('/v1/products', { body: { title: 'Chaos tee', priceCents: 2500, currency: 'EUR' } }), 'create product')
  const drop = async (initialStock: number, startsInMs: number, extra: { lowStockThreshold?: number; perUserLimit?: number } = {}) =>
    must(await owner.POST('/v1/drops', { body: { productId: product.id, startsAt: new Date(Date.now() + startsInMs).toISOString(), initialStock, ...extra } }), 'create drop').id
  const hot = await drop(o.hotStock, 1000, { lowStockThreshold: Math.ceil(o.hotStock / 5), ...(o.perUserLimit ? { perUserLimit: o.perUserLimit } : {}) })
  const big = await drop(o.bigStock, 1000)
  const laterStartsAt = Date.now() + o.laterInMs
  const later = await drop(o.bigStock, o.laterInMs)

  const buyers: Buyer[] = []
  for (let n = 0; n < o.buyers; n++) {
    const client = await account(fetch, `buyer${n}`)
    const me = must(await client.GET('/v1/me'), 'me')
    const followed = await client.POST('/v1/creators/{creatorId}/follow', { params: { path: { creatorId: creator.id } } })
    if (followed.response.status !== 204) throw new Error(`follow: HTTP ${followed.response.status}`)
    buyers.push({ n, userId: me.id, client })
  }
  // Both go live within a second or two (the instances' schedulers); orders wait for it.
  for (const id of [hot, big]) {
    for (let i = 0; ; i++) {
      const d = must(await owner.GET('/v1/drops/{dropId}', { params: { path: { dropId: id } } }), 'get drop')
      if (d.status === 'live') break
      if (i > 150) throw new Error(`drop ${id} is still ${d.status} after 15 s`)
      await Bun.sleep(100)
    }
  }
  return { creatorId: creator.id, owner, drops: { hot, big, later }, laterStartsAt, buyers }
}
