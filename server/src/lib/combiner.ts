/**
 * Per-key request combining ("flat combining"): callers submit work for a key (e.g. a drop); while a run for
 * that key is in flight, later submissions wait in a queue and go together into the next run, so N concurrent
 * callers cost ~N / batch runs instead of N. With nothing in flight a submission runs at once (after `windowMs`,
 * when set), so an idle system adds no latency. Runs of different keys never wait for each other.
 *
 * Hand-rolled because it sits on the order hot path and is small: the batching libraries on npm (dataloader and
 * friends) batch per event-loop tick across all keys, not "one in flight per key, combine behind it".
 */
export interface CombinerOptions<In, Out> {
  /** Runs one batch; must settle every item (resolve with one result per input, in order). */
  run(key: string, items: In[]): Promise<Out[]>
  /** Most items in one run; the rest wait for the next. */
  maxBatch: number
  /** Extra wait before a run starts when nothing is in flight (0 = start at once). */
  windowMs?: number
}

export interface Combiner<In, Out> {
  submit(key: string, item: In): Promise<Out>
  /** Items waiting or running, all keys. */
  readonly pending: number
}

interface Waiter<In, Out> {
  item: In
  resolve(out: Out): void
  reject(err: unknown): void
}

export function createCombiner<In, Out>(opts: CombinerOptions<In, Out>): Combiner<In, Out> {
  const queues = new Map<string, { waiting: Waiter<In, Out>[]; busy: boolean }>()
  let pending = 0

  async function drain(key: string) {
    const q = queues.get(key)!
    while (q.waiting.length) {
      const batch = q.waiting.splice(0, opts.maxBatch)
      try {
        const outs = await opts.run(key, batch.map((w) => w.item))
        batch.forEach((w, i) => w.resolve(outs[i]))
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
      pending -= batch.length
    }
    q.busy = false
    queues.delete(key)
  }

  return {
    get pending() {
      return pending
    },
    submit(key, item) {
      return new Promise<Out>((resolve, reject) => {
        let q = queues.get(key)
        if (!q) {
          q = { waiting: [], busy: false }
          queues.set(key, q)
        }
        q.waiting.push({ item, resolve, reject })
        pending++
        if (q.busy) return
        q.busy = true
        if (opts.windowMs) setTimeout(() => void drain(key), opts.windowMs)
        else setImmediate(() => void drain(key))
      })
    },
  }
}
