import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { HTTP_METHODS, spec } from './spec'

/**
 * Response validation against the contract, used by the test suite on every response it sees: the status
 * must be documented for the operation, the content type must be one the spec lists, and the body must
 * match that schema. Test-time only: ajv is a dev dependency.
 */
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema({ $id: 'spec', components: spec.components }, 'spec')

const toRef = (s: any): any => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"spec#/components/'))

interface Route {
  method: string
  template: string
  regex: RegExp
  op: any
}
const routes: Route[] = []
for (const [path, item] of Object.entries<any>(spec.paths ?? {})) {
  for (const m of HTTP_METHODS) {
    if (!item[m]) continue
    const regex = new RegExp('^' + path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$')
    routes.push({ method: m.toUpperCase(), template: path, regex, op: item[m] })
  }
}
// Literal segments win over parameters (e.g. /v1/me/orders before /v1/me/{x}).
routes.sort((a, b) => (b.template.match(/\{/g)?.length ? 0 : 1) - (a.template.match(/\{/g)?.length ? 0 : 1))

const cache = new Map<string, ReturnType<typeof ajv.compile>>()

function resolveResponse(r: any): any {
  if (r?.$ref) return r.$ref.replace('#/', '').split('/').reduce((o: any, k: string) => o[k], spec)
  return r
}

export function findOperation(method: string, pathname: string): Route | undefined {
  return routes.find((r) => r.method === method && r.regex.test(pathname))
}

/** → a list of problems; empty when the response matches the contract. */
export function validateResponse(method: string, pathname: string, status: number, contentType: string | null, body: unknown): string[] {
  const route = findOperation(method, pathname)
  if (!route) return [`${method} ${pathname} is not in openapi.yaml`]
  // A 404 for an unknown route is the framework's, not the operation's.
  const where = `${method} ${route.template} → ${status}`
  const response = resolveResponse(route.op.responses?.[String(status)] ?? route.op.responses?.default)
  if (!response) return [`${where}: status ${status} is not documented`]
  if (!response.content) {
    return body === undefined || body === '' || body === null ? [] : [`${where}: documented without a body but one was sent`]
  }
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase()
  const media = response.content[mediaType]
  if (!media) return [`${where}: content type "${mediaType}" is not documented (${Object.keys(response.content).join(', ')})`]
  if (!media.schema) return []
  const key = `${route.template} ${method} ${status} ${mediaType}`
  let validate = cache.get(key)
  if (!validate) {
    validate = ajv.compile(toRef(media.schema))
    cache.set(key, validate)
  }
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message}`)
}

/**
 * A Server-Sent Event against the contract: the operation's 200 `text/event-stream` names, with
 * `contentSchema`, the schema of the JSON on each `data:` line; the SSE `event:` field must repeat its `type`.
 */
export function validateStreamEvent(pathname: string, event: { event: string; data: unknown }): string[] {
  const route = findOperation('GET', pathname)
  if (!route) return [`GET ${pathname} is not in openapi.yaml`]
  const media = resolveResponse(route.op.responses?.['200'])?.content?.['text/event-stream']
  const schema = media?.schema?.contentSchema
  if (!schema) return [`GET ${route.template}: no contentSchema for its events`]
  const key = `${route.template} SSE`
  let validate = cache.get(key)
  if (!validate) {
    validate = ajv.compile(toRef(schema))
    cache.set(key, validate)
  }
  const problems: string[] = []
  if ((event.data as { type?: unknown } | null)?.type !== event.event) problems.push(`event "${event.event}" carries data.type ${JSON.stringify((event.data as any)?.type)}`)
  if (!validate(event.data)) problems.push(...(validate.errors ?? []).map((e) => `GET ${route.template} event ${event.event}: ${e.instancePath || '/'} ${e.message}`))
  return problems
}
