import type { Logger } from '../logger'

/**
 * A background loop that drains work in batches: it calls `tick` again at once while a full batch came back,
 * sleeps `idleMs` when there was less, and backs off 500 ms after a failure (logged, never thrown).
 * Used by the outbox relay and the notifier.
 */
export function pollLoop(opts: { name: string; tick: () => Promise<number>; batch: number; idleMs: number; log: Logger }) {
  let running = false
  let loop: Promise<void> | null = null
  async function run() {
    while (running) {
      let n = 0
      try {
        n = await opts.tick()
      } catch (err) {
        opts.log.warn({ err: (err as Error).message }, `${opts.name} tick failed`)
        await Bun.sleep(500)
      }
      if (n < opts.batch && running) await Bun.sleep(opts.idleMs)
    }
  }
  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    async stop() {
      running = false
      await loop
    },
  }
}
