/**
 * The process's shutdown state, shared by everything that must react to SIGTERM. `draining` turns /readyz to
 * 503 so the load balancer stops sending traffic; drain hooks let long-lived work (SSE streams, timers) end
 * cleanly — send a `retry:` hint and close — before the pools close.
 */
export interface Lifecycle {
  draining: boolean
  /** Registers a hook for the start of draining; → unregister. Hooks should finish within a second or two. */
  onDrain(hook: () => void | Promise<void>): () => void
  /** Sets `draining` and runs every hook once (errors are reported, never rethrown). */
  drain(): Promise<void>
}

export function createLifecycle(onHookError: (err: unknown) => void = () => {}): Lifecycle {
  const hooks = new Set<() => void | Promise<void>>()
  let drained: Promise<void> | null = null
  return {
    draining: false,
    onDrain(hook) {
      hooks.add(hook)
      return () => void hooks.delete(hook)
    },
    drain() {
      this.draining = true
      drained ??= Promise.allSettled([...hooks].map(async (h) => h())).then((results) => {
        for (const r of results) if (r.status === 'rejected') onHookError(r.reason)
      })
      return drained
    },
  }
}
