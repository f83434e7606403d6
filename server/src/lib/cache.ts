import type { RedisClient } from '../redis'
import type { Logger } from '../logger'
import type { Metrics } from './metrics'
import { fallbackTracker } from './metrics'
import type { PubSub } from './pubsub'

/** A cached JSON document: the value, its serialized body and a strong ETag over that body. */
export interface Entry<T> {
  value: T
  json: string
  etag: string
  /** when the value was read from the source of truth (ms since epoch): bounds staleness across both layers */
  at: number
}

export interface CachePolicy {
  /** metric label, e.g. 'drop' */
  name: string
  /** the oldest a value may be when served, whichever layer serves it */
  maxStaleMs: number
  /** how long an instance keeps a value in memory: bounds staleness when an invalidation message is lost */
  localMs: number
  /**
   * Past maxStaleMs, a value may still be served for this long while one load per instance refreshes it in the
   * background (stale-while-revalidate): a read never waits for an expiry. Only for values whose changes are
   * published under new keys (versioned), so that what is served stale is merely old, never known wrong.
   */
  staleWhileRevalidateMs?: number
}

/**
 * Read-through cache of JSON documents in two layers: a short in-process layer for the hottest keys and a
 * shared store (Redis, or memory in the zero set-up mode) so that N instances make one database read per key
 * and period, not N. Concurrent misses of one key on one instance share a single load (single-flight), so a
 * stampede on a hot drop makes one query. Any Redis failure degrades to "miss" — the database answers — and
 * never to an error.
 */
export interface Cache {
  get<T>(policy: CachePolicy, key: string, load: () => Promise<T>): Promise<Entry<T>>
  /** Drops the keys everywhere: this instance at once, the shared layer, and other instances via pub/sub. */
  invalidate(...keys: string[]): Promise<void>
  /**
   * invalidate(), at most once per `COALESCE_MS` per key: the first call acts at once, later calls within the
   * period fold into one invalidation at its end. For values that change continuously and may be served a
   * little stale (a drop's stock during a rush), so that readers keep hitting the cache.
   */
  invalidateSoon(key: string): void
  close(): void
}

/** At most 4 stock-driven invalidations per second per key and instance (well within a drop's 1 s staleness). */
export const COALESCE_MS = 250

export const INVALIDATION_CHANNEL = 'cache:invalidate'

export function makeEntry<T>(value: T, at = Date.now()): Entry<T> {
  const json = JSON.stringify(value)
  return { value, json, etag: `"${Bun.hash(json).toString(36)}"`, at }
}

/** The shared layer: Redis, or a map standing in for it when there is no Redis. */
export interface SharedStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  del(keys: string[]): Promise<void>
}

export function memoryStore(): SharedStore {
  const map = new Map<string, { v: string; until: number }>()
  return {
    async get(key) {
      const e = map.get(key)
      if (!e) return null
      if (e.until < Date.now()) {
        map.delete(key)
        return null
      }
      return e.v
    },
    async set(key, v, ttlMs) {
      if (map.size > 50_000) map.delete(map.keys().next().value!)
      map.set(key, { v, until: Date.now() + ttlMs })
    },
    async del(keys) {
      for (const k of keys) map.delete(k)
    },
  }
}

export function redisStore(client: RedisClient, prefix: string): SharedStore {
  return {
    get: (key) => client.get(prefix + key),
    async set(key, v, ttlMs) {
      await client.set(prefix + key, v, 'PX', Math.max(1, ttlMs))
    },
    // One DEL per key: on a Redis Cluster the keys of one invalidation live in different slots, and a multi-key
    // DEL across slots is refused (CROSSSLOT). ioredis sends them back to back on the connection(s) anyway.
    async del(keys) {
      await Promise.all(keys.map((k) => client.del(prefix + k)))
    },
  }
}

const LOCAL_MAX = 10_000

export function createCache(deps: { store: SharedStore; pubsub: PubSub; metrics: Metrics; log: Logger; enabled?: boolean; channel?: string }): Cache {
  const { store, pubsub, metrics, log } = deps
  const channel = deps.channel ?? INVALIDATION_CHANNEL
  const enabled = deps.enabled ?? true
  const local = new Map<string, { entry: Entry<unknown>; until: number }>()
  const inflight = new Map<string, Promise<Entry<unknown>>>()
  // Bumped by every invalidation of a key: a load that started before the bump must not repopulate the local
  // layer with what it read, or an invalidation racing a miss would be undone until the entry expires.
  const generation = new Map<string, number>()
  const redisHealth = fallbackTracker(metrics, 'cache', log)
  // invalidateSoon: when each key was last invalidated, and the keys with a trailing invalidation scheduled.
  const lastInvalidated = new Map<string, number>()
  const trailing = new Map<string, ReturnType<typeof setTimeout>>()

  const dropLocal = (key: string) => {
    local.delete(key)
    // Readers arriving after an invalidation must not join a load that may have read the old row.
    inflight.delete(key)
    generation.set(key, (generation.get(key) ?? 0) + 1)
    if (generation.size > LOCAL_MAX * 2) generation.clear()
  }
  const unsubscribe = pubsub.subscribe(channel, (msg) => {
    for (const key of msg.split('\n')) dropLocal(key)
  })

  // How long a value may be served at all, and the keys this instance is refreshing in the background.
  const servableMs = (policy: CachePolicy) => policy.maxStaleMs + (policy.staleWhileRevalidateMs ?? 0)
  const refreshing = new Set<string>()
  const writeShared = (key: string, entry: Entry<unknown>, policy: CachePolicy) =>
    store.set(key, `${entry.at}\t${entry.json}`, servableMs(policy)).then(() => redisHealth.ok(), (err) => redisHealth.failed(err))

  /** A stale value is being served: one load per key and instance replaces it, unless an invalidation intervenes. */
  function refreshInBackground<T>(policy: CachePolicy, key: string, load: () => Promise<T>): void {
    if (refreshing.has(key)) return
    refreshing.add(key)
    const gen = generation.get(key) ?? 0
    metrics.cacheMisses.inc({ cache: policy.name })
    load()
      .then((value) => {
        if ((generation.get(key) ?? 0) !== gen) return
        const entry = makeEntry(value) as Entry<unknown>
        void writeShared(key, entry, policy)
        putLocal(key, entry, policy)
      }, (err) => log.warn({ err, cache: policy.name }, 'cache: background refresh failed; the stale value stays until it expires'))
      .finally(() => refreshing.delete(key))
  }

  const putLocal = (key: string, entry: Entry<unknown>, policy: CachePolicy) => {
    if (local.size >= LOCAL_MAX) local.delete(local.keys().next().value!)
    local.set(key, { entry, until: Math.min(Date.now() + policy.localMs, entry.at + policy.maxStaleMs) })
  }

  async function loadShared<T>(policy: CachePolicy, key: string, load: () => Promise<T>): Promise<Entry<T>> {
    const gen = generation.get(key) ?? 0
    let raw: string | null = null
    try {
      raw = await store.get(key)
      redisHealth.ok()
    } catch (err) {
      redisHealth.failed(err)
    }
    let entry: Entry<T> | null = null
    if (raw) {
      const tab = raw.indexOf('\t')
      const at = Number(raw.slice(0, tab))
      const age = Date.now() - at
      if (age < servableMs(policy)) {
        const json = raw.slice(tab + 1)
        entry = { value: JSON.parse(json), json, etag: `"${Bun.hash(json).toString(36)}"`, at }
        metrics.cacheHits.inc({ cache: policy.name, layer: 'shared' })
        if (age >= policy.maxStaleMs) refreshInBackground(policy, key, load)
      }
    }
    if (!entry) {
      metrics.cacheMisses.inc({ cache: policy.name })
      entry = makeEntry(await load())
      void writeShared(key, entry as Entry<unknown>, policy)
    }
    if ((generation.get(key) ?? 0) === gen) putLocal(key, entry as Entry<unknown>, policy)
    return entry
  }

  async function invalidate(...keys: string[]): Promise<void> {
    if (!keys.length) return
    for (const k of keys) dropLocal(k)
    // A reader on another instance may be between its database read and its shared-layer write: a second
    // delete once that window has passed removes what it wrote. The window is bounded by the statement timeout
    // in theory, but reads take milliseconds; TTLs bound anything left.
    const drop = () => store.del(keys).then(() => redisHealth.ok(), (err) => redisHealth.failed(err))
    await Promise.all([drop(), pubsub.publish(channel, keys.join('\n')).catch((err) => redisHealth.failed(err))])
    setTimeout(() => void drop(), 500).unref?.()
  }

  return {
    async get<T>(policy: CachePolicy, key: string, load: () => Promise<T>): Promise<Entry<T>> {
      if (!enabled) return makeEntry(await load())
      const hit = local.get(key)
      if (hit && hit.until > Date.now()) {
        metrics.cacheHits.inc({ cache: policy.name, layer: 'local' })
        return hit.entry as Entry<T>
      }
      // Past maxStaleMs but still servable: answer with it now and refresh it behind the reader's back.
      const age = hit ? Date.now() - hit.entry.at : Infinity
      if (hit && age >= policy.maxStaleMs && age < servableMs(policy)) {
        metrics.cacheHits.inc({ cache: policy.name, layer: 'local' })
        refreshInBackground(policy, key, load)
        return hit.entry as Entry<T>
      }
      let p = inflight.get(key) as Promise<Entry<T>> | undefined
      if (!p) {
        p = loadShared(policy, key, load).finally(() => inflight.delete(key))
        inflight.set(key, p as Promise<Entry<unknown>>)
      }
      return p
    },
    invalidate,
    invalidateSoon(key) {
      if (trailing.has(key)) return
      const wait = (lastInvalidated.get(key) ?? 0) + COALESCE_MS - Date.now()
      const fire = () => {
        trailing.delete(key)
        lastInvalidated.set(key, Date.now())
        if (lastInvalidated.size > LOCAL_MAX) lastInvalidated.clear()
        void invalidate(key)
      }
      if (wait <= 0) return fire()
      const timer = setTimeout(fire, wait)
      timer.unref?.()
      trailing.set(key, timer)
    },
    close() {
      unsubscribe()
      local.clear()
      for (const t of trailing.values()) clearTimeout(t)
      trailing.clear()
    },
  }
}

/**
 * The HTTP answer for a cached document: 304 when the client's If-None-Match names the current ETag, else
 * the pre-serialized body (no JSON.stringify per request on the hot path).
 */
export function entryResponse(entry: Entry<unknown>, request: Request): Response {
  const inm = request.headers.get('if-none-match')
  // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"; a list or * may be sent.
  if (inm && (inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === entry.etag))) {
    return new Response(null, { status: 304, headers: { etag: entry.etag } })
  }
  return new Response(entry.json, { headers: { 'content-type': 'application/json', etag: entry.etag } })
}

/**
 * What is cached and how stale each may be. Drops carry `availableStock`, which moves with every order: they
 * may be at most 1 s old whatever the invalidations do (a lost message, a cancel that sends none). Products
 * and creators change rarely and are invalidated on change; their local layer bounds staleness when an
 * invalidation message is lost (e.g. Redis down).
 */
export const CACHED = {
  drop: { name: 'drop', maxStaleMs: 1000, localMs: 1000 },
  dropList: { name: 'drop_list', maxStaleMs: 1000, localMs: 1000 },
  product: { name: 'product', maxStaleMs: 60_000, localMs: 5000 },
  creator: { name: 'creator', maxStaleMs: 10_000, localMs: 2000 },
  // Search answers are keyed by the current search epoch, which every change to a product, drop or creator
  // replaces (invalidate(cacheKeys.searchEpoch)): a change shows at once, and the answers cached under the old
  // epoch are simply never asked for again (no need to find every query that could contain the changed row).
  // Every change that shows in a search answer (product and creator writes, drop writes, cancels and the
  // scheduler's transitions) replaces the epoch, so the TTL only bounds what a lost invalidation message can
  // leave stale: 30 s, and 2 s for another instance's in-memory epoch. An unchanged answer older than 10 s is
  // refreshed in the background while it is still served (a search costs tens of milliseconds: readers of a
  // popular query should not queue behind its refresh).
  search: { name: 'search', maxStaleMs: 10_000, localMs: 5000, staleWhileRevalidateMs: 20_000 },
  searchEpoch: { name: 'search_epoch', maxStaleMs: 60_000, localMs: 2000 },
} satisfies Record<string, CachePolicy>

export const cacheKeys = {
  drop: (id: string) => `drop:${id}`,
  dropList: (q: { status?: string; creatorId?: string; limit: number; cursor?: string }) =>
    `drops:${q.status ?? ''}:${q.creatorId ?? ''}:${q.limit}:${q.cursor ?? ''}`,
  product: (id: string) => `product:${id}`,
  creator: (id: string) => `creator:${id}`,
  searchEpoch: 'search:epoch',
  /** every parameter of the request, hashed: a query may be 200 characters and a cursor 512 */
  search: (epoch: string, params: Record<string, unknown>) =>
    `search:${epoch}:${new Bun.CryptoHasher('sha256').update(JSON.stringify(params)).digest('base64url')}`,
}
