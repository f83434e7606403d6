/**
 * A circuit breaker for a dependency that has an in-process fallback (Redis): the first failure that looks
 * like the dependency itself (a timeout, a closed or unwritable connection) opens it, every call then fails
 * at once — callers take their fallback without waiting — and only a background probe closes it again.
 *
 * Why not opossum (the usual choice): it opens on an error percentage over a rolling window, so after a busy
 * healthy period a hung Redis needs many timed-out calls (each a request waiting 200 ms) before it trips, and
 * it recovers through half-open, where a real request is the probe and pays the timeout while Redis still
 * hangs. Here the dependency's own command timeout is the failure detector, so one failure is enough to trip,
 * and the probe is a PING no user waits for.
 */
export class BreakerOpenError extends Error {
  constructor(name: string) {
    super(`${name} circuit breaker open`)
  }
}

export interface Breaker {
  readonly isOpen: boolean
  /** Runs `fn` while closed; while open rejects at once with BreakerOpenError. A failure that `trips` opens it. */
  run<T>(fn: () => Promise<T>): Promise<T>
  /** The same object with every method routed through run(): for stores and clients whose callers handle rejections. */
  guard<T extends object>(target: T): T
  /** Probe at once instead of at the next period (e.g. the client just reconnected). */
  probeNow(): void
  /** Listener for open (true) and close (false) transitions. */
  onChange(fn: (open: boolean) => void): void
  /** Stops the probe timer. */
  stop(): void
}

export interface BreakerOptions {
  name: string
  /** Resolves when the dependency answers again (rejects or resolves false otherwise). Bounded by its own timeout. */
  probe: () => Promise<boolean>
  probeEveryMs?: number
  /** Which failures mean "the dependency is unwell" (default: all); e.g. a Redis reply error does not. */
  trips?: (err: unknown) => boolean
}

export function createBreaker(opts: BreakerOptions): Breaker {
  const probeEveryMs = opts.probeEveryMs ?? 500
  const trips = opts.trips ?? (() => true)
  const listeners: Array<(open: boolean) => void> = []
  let open = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const set = (value: boolean) => {
    if (open === value) return
    open = value
    for (const l of listeners) l(value)
  }
  // One probe at a time, the next only after the previous settled: a hung dependency never piles them up.
  let probing = false
  const probe = async () => {
    timer = undefined
    probing = true
    let ok = false
    try {
      ok = await opts.probe()
    } catch {
      ok = false
    }
    probing = false
    if (ok) set(false)
    else scheduleProbe()
  }
  const scheduleProbe = (ms = probeEveryMs) => {
    if (stopped || timer || probing || !open) return
    timer = setTimeout(() => void probe(), ms)
    timer.unref?.()
  }
  const trip = () => {
    if (open) return
    set(true)
    scheduleProbe()
  }

  const breaker: Breaker = {
    get isOpen() {
      return open
    },
    async run(fn) {
      if (open) throw new BreakerOpenError(opts.name)
      try {
        return await fn()
      } catch (err) {
        if (trips(err)) trip()
        throw err
      }
    },
    guard(target) {
      return new Proxy(target, {
        get(t, prop, receiver) {
          const v = Reflect.get(t, prop, receiver)
          return typeof v === 'function' ? (...args: unknown[]) => breaker.run(() => v.apply(t, args)) : v
        },
      })
    },
    probeNow() {
      if (!open || probing) return
      clearTimeout(timer)
      timer = undefined
      scheduleProbe(0)
    },
    onChange(fn) {
      listeners.push(fn)
    },
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
  return breaker
}
