import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator, registerUser, testConfig, unique } from '../../test/helpers'
import { local, photo } from '../../test/images'
import { operations, type Operation } from '../contract/operations'
import { validateResponse } from '../contract/validate'


/**
 * The authorization matrix, derived from the contract: every operation × {owner, other user, creator, other
 * creator, anonymous}, each answer of the class the contract implies (see `expected`).
 */
// Webhook targets here are a closed loopback port (the dev setting): a worker that later picks up one of their
// deliveries never sends traffic off the machine.
const ctx = createTestContext({
  rateLimit: { ...testConfig().rateLimit, enabled: false },
  webhooks: { ...testConfig().webhooks, allowHttpLoopback: true },
  // The matrix reserves a dozen images on its one product.
  images: { ...testConfig().images, maxPerProduct: 100 },
})
const { api, deps } = ctx
const HOOK_URL = 'http://127.0.0.1:9/matrix'
afterAll(async () => {
  // The matrix's webhook endpoints go with it: a later suite's delivery worker would retry their pings for a day.
  await deps.sql`delete from webhook_endpoints where url = ${HOOK_URL}`
  await ctx.close()
})

// ---- authorization matrix ----

type Actor = 'anonymous' | 'otherUser' | 'otherCreator' | 'creator' | 'owner'
const ACTORS: Actor[] = ['anonymous', 'otherUser', 'otherCreator', 'creator', 'owner']

/**
 * How an operation relates to its caller:
 *  - public: the same for anyone (catalogue reads, probes, auth endpoints);
 *  - self: acts on the caller's own data (`/v1/me…`, creating things, buying, following);
 *  - owned: acts on a resource in the path that belongs to someone. `family` says whose: a creator's
 *    (product, drop, audit: owner = creator = that creator) or a buyer's (order, notification: owner = the buyer,
 *    creator = the creator whose drop it was — who must not see it either).
 */
type Scope = 'public' | 'self' | 'owned'
type Family = 'creator' | 'buyer'
interface Req {
  path: string
  body?: unknown
  /** a body sent as it is (image bytes), not as JSON */
  rawBody?: Uint8Array<ArrayBuffer>
  headers?: Record<string, string>
}
interface Case<R = any> {
  scope: Scope
  family?: Family
  /** a resource of its own for every call (the call consumes or changes it), else one per operation */
  perCall?: boolean
  setup?: () => Promise<R>
  req: (r: R, actor: Actor) => Req | Promise<Req>
  /** the resource as its owner sees it: compared before and after every refused call (a refusal changes nothing) */
  state?: (r: R) => Promise<unknown>
  /** an id of the owner's that only the owner's answer may contain (`self` lists) */
  ownedId?: () => string
  /** where the contract's general rule does not decide, with the reason */
  expect?: Partial<Record<Actor, number>>
  /** the caller's token for this operation, where an actor must be someone fresh */
  tokenOf?: (actor: Actor) => Promise<string | undefined>
}

interface World {
  creator: Awaited<ReturnType<typeof registerCreator>>
  otherCreator: Awaited<ReturnType<typeof registerCreator>>
  buyer: Awaited<ReturnType<typeof registerUser>>
  otherUser: Awaited<ReturnType<typeof registerUser>>
  productId: string
  liveDropId: string
  orderId: string
  notificationId: string
}
let w: World

const tokenFor = (family: Family | undefined, actor: Actor): string | undefined =>
  actor === 'anonymous' ? undefined
  : actor === 'otherUser' ? w.otherUser.accessToken
  : actor === 'otherCreator' ? w.otherCreator.accessToken
  : actor === 'creator' ? w.creator.accessToken
  : family === 'creator' ? w.creator.accessToken : w.buyer.accessToken

const isOwnerSide = (c: Case, actor: Actor) => actor === 'owner' || (c.family === 'creator' && actor === 'creator')
const successOf = (o: Operation) => Number(Object.keys(o.op.responses).find((s) => s.startsWith('2')))

/**
 * The answer the contract implies: anonymous → 401 on secured operations; the owner's side → the operation's
 * 2xx; anyone else on an owned resource → 403 where the contract documents it (only on resources anyone may
 * read, see the guard below), else 404 — the resource is not even said to exist. Public and self operations
 * answer everybody with their 2xx.
 */
function expected(o: Operation, c: Case, actor: Actor): number {
  const special = c.expect?.[actor]
  if (special !== undefined) return special
  if (actor === 'anonymous') return o.secured ? 401 : successOf(o)
  if (c.scope !== 'owned' || isOwnerSide(c, actor)) return successOf(o)
  return o.op.responses['403'] ? 403 : 404
}

const inFuture = (sec = 3600) => new Date(Date.now() + sec * 1000).toISOString()
async function scheduledDrop(startsInSec = 3600, initialStock = 100) {
  const res = await api('POST', '/v1/drops', { token: w.creator.accessToken, body: { productId: w.productId, startsAt: inFuture(startsInSec), initialStock, perUserLimit: 100 } })
  expect(res.status).toBe(201)
  return res.body.id as string
}
/** A queued drop whose waiting room is open (its pre-queue started long ago). */
async function queuedDrop() {
  const res = await api('POST', '/v1/drops', {
    token: w.creator.accessToken,
    body: { productId: w.productId, startsAt: inFuture(3600), initialStock: 10, access: { mode: 'queue', preQueueSeconds: 86400 } },
  })
  expect(res.status).toBe(201)
  return res.body.id as string
}
async function joined(dropId: string, actor: Actor, path: string): Promise<Req> {
  const token = tokenFor(undefined, actor)
  if (token) expect((await api('POST', `/v1/drops/${dropId}/queue`, { token })).status).toBe(200)
  return { path }
}
async function buyerOrder() {
  const res = await api('POST', '/v1/orders', { token: w.buyer.accessToken, body: { dropId: w.liveDropId, quantity: 1 }, headers: { 'idempotency-key': crypto.randomUUID() } })
  expect(res.status).toBe(201)
  return res.body.id as string
}
const asOwner = (family: Family) => ({ token: family === 'creator' ? w.creator.accessToken : w.buyer.accessToken })
const read = async (path: string, family: Family) => (await api('GET', path, asOwner(family))).body
const freshLogin = async () => (await api('POST', '/v1/auth/login', { body: { email: w.otherUser.email, password: w.otherUser.password } })).body
const idem = () => ({ 'idempotency-key': crypto.randomUUID() })

async function creatorsWebhook() {
  const res = await api('POST', '/v1/webhooks', { token: w.creator.accessToken, body: { url: HOOK_URL, events: ['order.confirmed'] } })
  expect(res.status).toBe(201)
  return res.body.id as string
}
async function webhookDelivery() {
  const hookId = await creatorsWebhook()
  const res = await api('POST', `/v1/webhooks/${hookId}/test`, { token: w.creator.accessToken })
  expect(res.status).toBe(202)
  return { hookId, deliveryId: res.body.id as string }
}

const PNG = await photo(8, 8, { format: 'png' })
/** Steps 1 and 2 of an image of the world's product (the storage is the server's own folder). */
async function uploadedImage() {
  const start = await api('POST', `/v1/products/${w.productId}/images`, { token: w.creator.accessToken, body: { contentType: 'image/png', size: PNG.byteLength } })
  expect(start.status).toBe(201)
  expect((await api('PUT', local(start.body.uploadUrl), { rawBody: PNG, headers: start.body.uploadHeaders })).status).toBe(204)
  return start.body as { imageId: string; uploadUrl: string; uploadHeaders: Record<string, string> }
}
async function attachedImage() {
  const { imageId } = await uploadedImage()
  const res = await api('POST', `/v1/products/${w.productId}/images/${imageId}/complete`, { token: w.creator.accessToken })
  expect(res.status).toBe(200)
  return res.body as { id: string; variants: { thumb: string } }
}
const imageRows = async () => [...(await deps.sql`select id, status from product_images where product_id = ${w.productId} order by id`)]

const cases: Record<string, Case> = {
  healthz: { scope: 'public', req: () => ({ path: '/healthz' }) },
  readyz: { scope: 'public', req: () => ({ path: '/readyz' }) },
  getOpenApi: { scope: 'public', req: () => ({ path: '/openapi.yaml' }) },
  getDocs: { scope: 'public', req: () => ({ path: '/docs' }) },
  getDocsScript: { scope: 'public', req: () => ({ path: '/docs/scalar.js' }) },
  getStorefront: { scope: 'public', req: () => ({ path: '/' }) },
  getStorefrontDrop: { scope: 'public', req: () => ({ path: `/drops/${w.liveDropId}` }) },
  getStorefrontOrders: { scope: 'public', req: () => ({ path: '/orders' }) },
  getSdkBrowserBundle: { scope: 'public', req: () => ({ path: '/assets/livedrop.browser.js' }) },
  getStorefrontScript: { scope: 'public', req: () => ({ path: '/assets/storefront.js' }) },
  getStorefrontStyles: { scope: 'public', req: () => ({ path: '/assets/storefront.css' }) },
  getSdkPowWorker: { scope: 'public', req: () => ({ path: '/assets/altcha-worker.js' }) },
  getMetrics: { scope: 'public', req: () => ({ path: '/metrics' }) },
  register: { scope: 'public', req: () => ({ path: '/v1/auth/register', body: { username: unique('m_'), email: `${unique('m')}@example.test`, password: 'long enough pw' } }) },
  login: { scope: 'public', req: () => ({ path: '/v1/auth/login', body: { email: w.otherUser.email, password: w.otherUser.password } }) },
  refresh: { scope: 'public', req: async () => ({ path: '/v1/auth/refresh', body: { refreshToken: (await freshLogin()).refreshToken } }) },
  logout: { scope: 'public', req: async () => ({ path: '/v1/auth/logout', body: { refreshToken: (await freshLogin()).refreshToken } }) },
  getMe: { scope: 'self', req: () => ({ path: '/v1/me' }) },
  getUser: { scope: 'public', req: () => ({ path: `/v1/users/${w.buyer.user.id}` }) },
  createCreator: {
    scope: 'self',
    req: () => ({ path: '/v1/creators', body: { handle: unique('m').toLowerCase(), displayName: 'Matrix' } }),
    // A plain account becomes a creator (a fresh one each time, so the world's plain users stay plain).
    tokenOf: async (actor) => (actor === 'otherUser' || actor === 'owner' ? (await registerUser(api)).accessToken : tokenFor('creator', actor)),
    expect: { creator: 409, otherCreator: 409 }, // ALREADY_A_CREATOR
  },
  getCreator: { scope: 'public', req: () => ({ path: `/v1/creators/${w.creator.creator.id}` }) },
  listProducts: { scope: 'public', req: () => ({ path: `/v1/products?creatorId=${w.creator.creator.id}` }) },
  createProduct: {
    scope: 'self', family: 'creator',
    req: () => ({ path: '/v1/products', body: { title: 'Matrix', priceCents: 100, currency: 'EUR' } }),
    expect: { otherUser: 403 }, // NOT_A_CREATOR: not about anyone's resource
  },
  getProduct: { scope: 'public', req: () => ({ path: `/v1/products/${w.productId}` }) },
  updateProduct: {
    scope: 'owned', family: 'creator',
    req: (_r, actor) => ({ path: `/v1/products/${w.productId}`, body: { title: `patched by ${actor}` } }),
    state: () => read(`/v1/products/${w.productId}`, 'creator'),
  },
  createProductImageUpload: {
    scope: 'owned', family: 'creator',
    req: () => ({ path: `/v1/products/${w.productId}/images`, body: { contentType: 'image/png', size: 100 } }),
    state: imageRows,
  },
  completeProductImage: {
    scope: 'owned', family: 'creator', setup: uploadedImage,
    req: (r) => ({ path: `/v1/products/${w.productId}/images/${r.imageId}/complete` }),
    state: imageRows,
  },
  deleteProductImage: {
    scope: 'owned', family: 'creator', perCall: true, setup: attachedImage,
    req: (r) => ({ path: `/v1/products/${w.productId}/images/${r.id}` }),
    state: imageRows,
  },
  // A capability URL: the signed query is the credential, whoever sends it (as with S3's presigned PUT).
  putLocalImageUpload: {
    scope: 'public', setup: uploadedImage,
    req: (r) => ({ path: local(r.uploadUrl), rawBody: PNG, headers: r.uploadHeaders }),
  },
  getLocalImageFile: { scope: 'public', setup: attachedImage, req: (r) => ({ path: local(r.variants.thumb) }) },
  createDrop: {
    scope: 'owned', family: 'creator',
    req: () => ({ path: '/v1/drops', body: { productId: w.productId, startsAt: inFuture(), initialStock: 5 } }),
    state: () => read(`/v1/drops?creatorId=${w.creator.creator.id}&status=scheduled&limit=100`, 'creator'),
  },
  listDrops: { scope: 'public', req: () => ({ path: `/v1/drops?creatorId=${w.creator.creator.id}` }) },
  getDrop: { scope: 'public', req: () => ({ path: `/v1/drops/${w.liveDropId}` }) },
  updateDrop: {
    scope: 'owned', family: 'creator', setup: () => scheduledDrop(),
    req: (id) => ({ path: `/v1/drops/${id}`, body: { initialStock: 7 } }),
    state: (id) => read(`/v1/drops/${id}`, 'creator'),
  },
  cancelDrop: {
    scope: 'owned', family: 'creator', perCall: true, setup: () => scheduledDrop(),
    req: (id) => ({ path: `/v1/drops/${id}/cancel` }),
    state: (id) => read(`/v1/drops/${id}`, 'creator'),
  },
  getDropAudit: { scope: 'owned', family: 'creator', req: () => ({ path: `/v1/drops/${w.liveDropId}/audit` }) },
  joinQueue: { scope: 'self', setup: () => queuedDrop(), req: (id) => ({ path: `/v1/drops/${id}/queue` }) },
  // Reading one's place (or its stream) needs one: each caller joins first.
  getMyQueuePlace: { scope: 'self', setup: () => queuedDrop(), req: (id, actor) => joined(id, actor, `/v1/drops/${id}/queue`) },
  streamQueueEvents: {
    scope: 'self', setup: () => queuedDrop(), req: (id, actor) => joined(id, actor, `/v1/drops/${id}/queue/events`),
    expect: { anonymous: 401 }, // its anonymous alternative is a ?ticket=, which an anonymous caller has not got
  },
  getChallenge: {
    scope: 'public',
    setup: async () => (await api('POST', '/v1/drops', { token: w.creator.accessToken, body: { productId: w.productId, startsAt: inFuture(), initialStock: 5, access: { mode: 'queue', challenge: 'pow', challengeDifficulty: 10 } } })).body.id,
    req: (id) => ({ path: `/v1/challenges?dropId=${id}` }),
  },
  getQueueStats: { scope: 'owned', family: 'creator', setup: () => queuedDrop(), req: (id) => ({ path: `/v1/drops/${id}/queue/stats` }) },
  createOrder: { scope: 'self', req: () => ({ path: '/v1/orders', body: { dropId: w.liveDropId, quantity: 1 }, headers: idem() }) },
  getOrder: { scope: 'owned', family: 'buyer', req: () => ({ path: `/v1/orders/${w.orderId}` }) },
  cancelOrder: {
    scope: 'owned', family: 'buyer', perCall: true, setup: buyerOrder,
    req: (id) => ({ path: `/v1/orders/${id}/cancel` }),
    state: (id) => read(`/v1/orders/${id}`, 'buyer'),
  },
  listMyOrders: { scope: 'self', family: 'buyer', req: () => ({ path: '/v1/me/orders' }), ownedId: () => w.orderId },
  followCreator: {
    scope: 'self', family: 'buyer',
    req: () => ({ path: `/v1/creators/${w.creator.creator.id}/follow` }),
    expect: { creator: 422 }, // CANNOT_FOLLOW_SELF: the creator is the one being followed
  },
  unfollowCreator: { scope: 'self', family: 'buyer', req: () => ({ path: `/v1/creators/${w.creator.creator.id}/follow` }) },
  listFollowers: { scope: 'public', req: () => ({ path: `/v1/creators/${w.creator.creator.id}/followers` }) },
  listFollowing: { scope: 'public', req: () => ({ path: `/v1/users/${w.buyer.user.id}/following` }) },
  listNotifications: { scope: 'self', family: 'buyer', req: () => ({ path: '/v1/me/notifications' }), ownedId: () => w.notificationId },
  markNotificationRead: {
    scope: 'owned', family: 'buyer',
    req: () => ({ path: `/v1/me/notifications/${w.notificationId}/read` }),
    state: () => read('/v1/me/notifications', 'buyer'),
  },
  markAllNotificationsRead: { scope: 'self', req: () => ({ path: '/v1/me/notifications/read-all' }) },
  createRealtimeTicket: { scope: 'self', req: () => ({ path: '/v1/realtime/tickets' }) },
  streamDropEvents: { scope: 'public', req: () => ({ path: `/v1/drops/${w.liveDropId}/events` }) },
  createWebhook: {
    scope: 'self', family: 'creator',
    req: () => ({ path: '/v1/webhooks', body: { url: HOOK_URL, events: ['drop.live'] } }),
    expect: { otherUser: 403 }, // NOT_A_CREATOR: not about anyone's resource
  },
  listWebhooks: { scope: 'self', family: 'creator', req: () => ({ path: '/v1/webhooks' }), expect: { otherUser: 403 } },
  getWebhook: { scope: 'owned', family: 'creator', setup: creatorsWebhook, req: (id) => ({ path: `/v1/webhooks/${id}` }) },
  updateWebhook: {
    scope: 'owned', family: 'creator', setup: creatorsWebhook,
    req: (id, actor) => ({ path: `/v1/webhooks/${id}`, body: { description: `patched by ${actor}` } }),
    state: (id) => read(`/v1/webhooks/${id}`, 'creator'),
  },
  deleteWebhook: {
    scope: 'owned', family: 'creator', perCall: true, setup: creatorsWebhook,
    req: (id) => ({ path: `/v1/webhooks/${id}` }),
    state: (id) => read(`/v1/webhooks/${id}`, 'creator'),
  },
  rotateWebhookSecret: {
    scope: 'owned', family: 'creator', setup: creatorsWebhook,
    req: (id) => ({ path: `/v1/webhooks/${id}/rotate-secret` }),
    state: (id) => read(`/v1/webhooks/${id}`, 'creator'),
  },
  testWebhook: {
    scope: 'owned', family: 'creator', setup: creatorsWebhook,
    req: (id) => ({ path: `/v1/webhooks/${id}/test` }),
    state: (id) => read(`/v1/webhooks/${id}/deliveries`, 'creator'),
  },
  listWebhookDeliveries: { scope: 'owned', family: 'creator', setup: creatorsWebhook, req: (id) => ({ path: `/v1/webhooks/${id}/deliveries` }) },
  redeliverWebhookDelivery: {
    scope: 'owned', family: 'creator', setup: webhookDelivery,
    req: (r) => ({ path: `/v1/webhooks/${r.hookId}/deliveries/${r.deliveryId}/redeliver` }),
    state: (r) => read(`/v1/webhooks/${r.hookId}/deliveries`, 'creator'),
  },
  streamMyEvents: {
    scope: 'self', req: () => ({ path: '/v1/me/events' }),
    expect: { anonymous: 401 }, // its anonymous alternative is a ?ticket=, which an anonymous caller has not got
  },
  // The caller's own drops' events: whose they are is the token's, there is no other creator's to name.
  streamWebhookEvents: {
    scope: 'self', family: 'creator', req: () => ({ path: '/v1/webhooks/events' }),
    expect: { anonymous: 401, otherUser: 403 }, // NOT_A_CREATOR: not about anyone's resource
  },
  search: { scope: 'public', req: () => ({ path: '/v1/search?q=matrix' }) },
}

/** One call; a stream's answer is checked against the contract and then closed instead of read to its end. */
async function call(o: Operation, r: Req, token: string | undefined): Promise<{ status: number; body: any }> {
  const streaming = Boolean(o.op.responses['200']?.content?.['text/event-stream'])
  if (!streaming) {
    return api(o.method, r.path, { token, body: r.body, rawBody: r.rawBody, headers: r.headers })
  }
  const res = await ctx.app.handle(new Request(`http://localhost${r.path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...r.headers } }))
  const body = res.status === 200 ? undefined : await res.json()
  expect(validateResponse('GET', r.path.split('?')[0], res.status, res.headers.get('content-type'), res.status === 200 ? '' : body)).toEqual([])
  if (res.status === 200) await res.body!.cancel()
  return { status: res.status, body }
}

describe('authorization matrix: every operation × owner, other user, creator, other creator, anonymous', () => {
  beforeAll(async () => {
    const creator = await registerCreator(api)
    const product = await api('POST', '/v1/products', { token: creator.accessToken, body: { title: 'Matrix item', priceCents: 500, currency: 'EUR' } })
    w = { creator, otherCreator: await registerCreator(api), buyer: await registerUser(api), otherUser: await registerUser(api), productId: product.body.id } as World
    w.liveDropId = await scheduledDrop(3600, 10_000)
    await deps.sql`update drops set starts_at = now() - interval '1 millisecond' where id = ${w.liveDropId}`
    await deps.scheduler.tick()
    w.orderId = await buyerOrder()
    // The buyer's notification of that order: numbered by the relay, stored by the notifier.
    for (let i = 0; i < 100 && !w.notificationId; i++) {
      await deps.live.relayTick()
      await deps.live.notifierTick()
      w.notificationId = (await read('/v1/me/notifications', 'buyer')).items[0]?.id
    }
    expect(w.notificationId).toBeTruthy()
  })

  test('every operation of the contract has a row (a new operation must say who may call it)', () => {
    expect(operations.map((o) => o.id).filter((id) => !cases[id])).toEqual([])
    expect(Object.keys(cases).filter((id) => !operations.some((o) => o.id === id))).toEqual([])
  })

  test('403 is documented only where the resource is readable by anyone (elsewhere a refusal is a 404)', () => {
    const publicGets = new Set(operations.filter((o) => o.method === 'GET' && !o.secured).map((o) => o.template))
    for (const o of operations) {
      if (!o.op.responses['403'] || !o.template.includes('{')) continue
      // The local storage's presigned upload answers as S3 does (403 for an altered or expired URL): its URL is a
      // capability, and it says nothing about whether the image exists.
      if (o.id === 'putLocalImageUpload') continue
      const resource = o.template.slice(0, o.template.lastIndexOf('}') + 1)
      expect({ op: o.id, resource, public: publicGets.has(resource) }).toEqual({ op: o.id, resource, public: true })
    }
  })

  for (const o of operations) {
    const c = cases[o.id]
    if (!c) continue
    test(`${o.method} ${o.template} (${o.id}, ${c.scope})`, async () => {
      // Refusals first, so the owner's own successful call cannot hide a refused call that changed something.
      const order = [...ACTORS].sort((a, b) => Number(expected(o, c, a) < 300) - Number(expected(o, c, b) < 300))
      const shared = c.setup && !c.perCall ? await c.setup() : undefined
      const answers: Partial<Record<Actor, number>> = {}
      for (const actor of order) {
        const want = expected(o, c, actor)
        expect(Object.keys(o.op.responses)).toContain(String(want)) // the matrix never expects what the contract does not say
        const resource = c.perCall ? await c.setup!() : shared
        const token = c.tokenOf ? await c.tokenOf(actor) : tokenFor(c.family, actor)
        const before = want >= 400 && c.state ? await c.state(resource) : undefined
        const res = await call(o, await c.req(resource, actor), token)
        answers[actor] = res.status
        if (res.status !== want) throw new Error(`${o.id} as ${actor}: ${res.status}, expected ${want} — ${JSON.stringify(res.body).slice(0, 300)}`)
        if (want === 404) expect(res.body.code).toBe('NOT_FOUND')
        if (want === 401) expect(res.body.code).toBe('UNAUTHORIZED')
        if (c.state && want >= 400) expect(await c.state(resource)).toEqual(before)
        if (c.ownedId && res.status === 200) {
          const mine = JSON.stringify(res.body).includes(c.ownedId())
          expect({ actor, seesOwnersItem: mine }).toEqual({ actor, seesOwnersItem: actor === 'owner' })
        }
      }
      expect(Object.keys(answers).sort()).toEqual([...ACTORS].sort())
    })
  }
})
