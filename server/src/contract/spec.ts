import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

/** openapi.yaml as written (served verbatim) and parsed (for the contract checks). */
export const SPEC_PATH = join(import.meta.dir, '..', '..', '..', 'openapi.yaml')
export const specText = readFileSync(SPEC_PATH, 'utf8')
export const spec: Record<string, any> = parse(specText)

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

/** Every `METHOD /path` the spec documents, paths in OpenAPI form (`/v1/users/{userId}`). */
export function specOperations(doc: Record<string, any> = spec): string[] {
  const out: string[] = []
  for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths ?? {})) {
    for (const m of HTTP_METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${path}`)
  }
  return out.sort()
}
