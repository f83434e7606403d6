import { specOperations } from './spec'

/** Compares what an Elysia app serves with what the spec documents, both ways. */
export function checkRoutes(routes: Array<{ method: string; path: string }>, documented = specOperations()) {
  const served = [...new Set(routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS').map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`))].sort()
  const doc = new Set(documented)
  const srv = new Set(served)
  return {
    undocumented: served.filter((r) => !doc.has(r)),
    unserved: documented.filter((r) => !srv.has(r)),
  }
}
