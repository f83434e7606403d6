/**
 * The one place that says what "fast enough" means and what each scenario sends. Imported by the k6 scripts
 * (k6 runs TypeScript itself) and by the autocannon runner, so both prove the same targets with the same mix.
 * Plain TypeScript with no imports: it must load in k6's runtime as well as in Bun/Node.
 */

export type ScenarioName = 'browse' | 'rush' | 'sse' | 'drop-day' | 'queue'
export type WorkloadName = 'smoke' | 'load' | 'spike' | 'soak'

/** The published targets (PRODUCT.md "Targets"). A run passes when every one of its targets holds. */
export const TARGETS = {
  /** reads: p95 ≤ 200 ms; a failed request is a 5xx, a 429, a network error or any status the scenario does not expect */
  browse: { p95Ms: 200, maxErrorRate: 0.01 },
  /** orders on one hot drop: p95 ≤ 500 ms (SOLD_OUT and PURCHASE_LIMIT_EXCEEDED are expected answers, not failures) */
  rush: { p95Ms: 500, maxErrorRate: 0.01 },
  /** drop.live reaches every subscriber < 2 s after the drop's startsAt */
  sse: { p95Ms: 2000, maxMs: 2000, minDeliveredRatio: 1 },
  /** arrivals the load generator could not start on time (k6 dropped_iterations, runner: sends > 1 s late) */
  maxDroppedRatio: 0.01,
} as const

export interface RateShape {
  /** arrivals per second (requests for browse, order attempts for rush) */
  rate: number
  /** seconds */
  durationSec: number
}

/**
 * Named workloads, as in grafana/quickpizza: smoke proves the scenario works at all (CI), load is the target,
 * spike doubles it briefly, soak holds a moderate rate for long.
 */
export const WORKLOADS: Record<WorkloadName, { browse: RateShape; rush: RateShape; sseSubscribers: number }> = {
  smoke: { browse: { rate: 20, durationSec: 10 }, rush: { rate: 10, durationSec: 10 }, sseSubscribers: 50 },
  load: { browse: { rate: 1500, durationSec: 30 }, rush: { rate: 150, durationSec: 30 }, sseSubscribers: 2000 },
  spike: { browse: { rate: 3000, durationSec: 15 }, rush: { rate: 300, durationSec: 15 }, sseSubscribers: 4000 },
  soak: { browse: { rate: 500, durationSec: 600 }, rush: { rate: 50, durationSec: 600 }, sseSubscribers: 1000 },
}

/** What the seeding step created; every scenario's requests are built from it. */
export interface SeedData {
  creatorId: string
  productIds: string[]
  /** live drops to read; the first is the hot drop of rush */
  dropIds: string[]
}

export interface ReadRequest {
  /** a route label for per-route statistics (no ids, so it aggregates) */
  name: string
  path: string
}

/**
 * The browse mix: what a storefront asks for while a drop is on. Weighted towards the single-drop read that a
 * buyer's page polls; lists are the heavier queries. Deterministic in `i` so that both tools send the same mix.
 */
export function browseRequest(seed: SeedData, i: number): ReadRequest {
  const slot = i % 20
  const drop = seed.dropIds[i % seed.dropIds.length]
  const product = seed.productIds[i % seed.productIds.length]
  if (slot < 8) return { name: 'GET /v1/drops/{id}', path: `/v1/drops/${drop}` }
  if (slot < 12) return { name: 'GET /v1/products/{id}', path: `/v1/products/${product}` }
  if (slot < 15) return { name: 'GET /v1/drops?status=live', path: '/v1/drops?status=live&limit=20' }
  if (slot < 17) return { name: 'GET /v1/drops?creatorId=', path: `/v1/drops?creatorId=${seed.creatorId}&limit=20` }
  if (slot < 19) return { name: 'GET /v1/products?creatorId=', path: `/v1/products?creatorId=${seed.creatorId}&limit=20` }
  return { name: 'GET /v1/creators/{id}', path: `/v1/creators/${seed.creatorId}` }
}

/** Statuses that are correct answers in each scenario; anything else counts as a failed request. */
export const EXPECTED_STATUSES = {
  browse: [200],
  // 409: SOLD_OUT once the stock is gone, PURCHASE_LIMIT_EXCEEDED, IDEMPOTENCY_KEY_IN_USE for a retry racing its original
  rush: [201, 409],
} as const

/**
 * The hot drop of a rush: stock runs out about 60 % into the run, so the run covers both the decrement path and
 * the sold-out boundary where oversell bugs live. perUserLimit is set so that the users between them can buy
 * the whole stock, yet the limit check runs on every order.
 */
export function rushPlan(shape: RateShape, users: number): { initialStock: number; perUserLimit: number } {
  const initialStock = Math.max(1, Math.floor(shape.rate * shape.durationSec * 0.6))
  const perUserLimit = Math.min(1000, Math.max(1, Math.ceil((initialStock * 1.5) / Math.max(1, users))))
  return { initialStock, perUserLimit }
}

/**
 * The waiting-room scenario (issue 16): 20,000 arrivals within 5 s for 500 units. The drop starts 0.1 s into
 * the window, so a few hundred joiners make the pre-queue (shuffled) and the rest join in order behind them;
 * admission at 100 buyers/s sells the 500 units in about 5 s. `smoke` is the CI size.
 */
export const QUEUE_PLAN = {
  // observers: real queue streams over fetch, which Bun caps at 256 open connections per process (the rest of
  // the run needs its own): 200.
  load: { arrivals: 20_000, units: 500, windowSec: 5, preQueueArrivals: 400, admitPerSecond: 100, observers: 200 },
  smoke: { arrivals: 300, units: 80, windowSec: 3, preQueueArrivals: 20, admitPerSecond: 80, observers: 40 },
} as const

/** Seconds into the arrival window when the drop starts, so that about `preQueueArrivals` joins come before it. */
export function queuePreQueueSec(p: { arrivals: number; windowSec: number; preQueueArrivals: number }): number {
  // At least half a second: the generator's first connections take a few hundred ms to open on a busy machine.
  return Math.min(p.windowSec / 2, Math.max(0.5, p.preQueueArrivals / (p.arrivals / p.windowSec)))
}

/** One in RETRY_EVERY order attempts re-sends an earlier key with the same body: it must replay, never buy again. */
export const RETRY_EVERY = 20

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new Error(`bad duration "${text}" (use e.g. 500ms, 30s, 2m)`)
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  return unit === 'ms' ? n / 1000 : unit === 's' ? n : unit === 'm' ? n * 60 : n * 3600
}
