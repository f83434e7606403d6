import { HTTP_METHODS, spec } from './spec'

/** Every operation of the contract, for suites that walk them all (security, authorization, fuzzing). */
export interface Operation {
  method: string
  template: string
  id: string
  op: any
  /** the contract requires a bearer token (no anonymous alternative) */
  secured: boolean
}

export const operations: Operation[] = []
for (const [template, item] of Object.entries<any>(spec.paths)) {
  for (const m of HTTP_METHODS) {
    const op = item[m]
    if (!op) continue
    const security = op.security ?? spec.security ?? []
    const secured = security.length > 0 && !security.some((s: object) => Object.keys(s).length === 0)
    operations.push({ method: m.toUpperCase(), template, id: op.operationId, op, secured })
  }
}
