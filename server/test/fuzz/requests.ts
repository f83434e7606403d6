/**
 * Per operation of openapi.yaml, an arbitrary of requests that are mostly wrong: the path, query, header and
 * body values start from what the contract asks for (real fixture ids, values matching their schema) and are
 * then bent with the hostile corpus, so that the fuzzer reaches the code behind validation too.
 */
import fc from 'fast-check'
import { HTTP_METHODS, spec } from '../../src/contract/spec'
import { costlyRawBody, hostileAuthorization, hostileHeader, hostileRawBody, hostileString, hostileValue } from './hostile'

type Schema = Record<string, any>

export interface Operation {
  id: string
  method: string
  template: string
  params: Schema[]
  body: Schema | null
}

export interface FuzzRequest {
  method: string
  /** path and query, percent-encoded as sent */
  url: string
  headers: Record<string, string>
  body?: string
  /** the authenticated caller it is also sent as (it is always sent anonymously too) */
  who: 'owner' | 'user'
  /** a hostile Authorization header for the anonymous send, now and then */
  anonymousAuthorization: string | null
}

/** Real ids by parameter or property name (`dropId`, `productId`…), so that requests reach the handlers. */
export type Fixtures = Record<string, string[]>

const resolve = (x: Schema): Schema => (x?.$ref ? x.$ref.replace(/^#\//, '').split('/').reduce((o: any, k: string) => o[k], spec) : x)

export function operations(): Operation[] {
  const out: Operation[] = []
  for (const [template, item] of Object.entries<Schema>(spec.paths)) {
    for (const m of HTTP_METHODS) {
      const op = item[m]
      if (!op) continue
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)
      const body = op.requestBody ? resolve(resolve(op.requestBody).content?.['application/json']?.schema) : null
      out.push({ id: op.operationId, method: m.toUpperCase(), template, params, body })
    }
  }
  return out
}

const future = fc.integer({ min: 2, max: 30 * 24 }).map((h) => new Date(Date.now() + h * 3_600_000).toISOString())

/** A value the schema accepts (fixture ids for known names), for the fields the fuzzer leaves alone. */
function valid(s: Schema, name: string, fixtures: Fixtures): fc.Arbitrary<unknown> {
  s = resolve(s)
  if (s.oneOf || s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf).map((x: Schema) => valid(x, name, fixtures)))
  if ('const' in s) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type: string) => valid({ ...s, type }, name, fixtures)))
  switch (s.type) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, (s.minimum ?? 0) + 1000) })
    case 'number':
      return fc.double({ min: s.minimum ?? 0, max: s.maximum ?? 1000, noNaN: true })
    case 'array':
      return fc.array(valid(s.items ?? {}, name, fixtures), { maxLength: 3 })
    case 'object': {
      const required = new Set<string>(s.required ?? [])
      const props = Object.fromEntries(Object.entries<Schema>(s.properties ?? {}).map(([k, v]) => [k, valid(v, k, fixtures)]))
      return fc.record(props, { requiredKeys: [...required] as never[] })
    }
    case 'string': {
      if (s.format === 'uuid') return fixtures[name]?.length ? fc.oneof(fc.constantFrom(...fixtures[name]), fc.uuid()) : fc.uuid()
      if (s.format === 'date-time') return future
      if (s.format === 'email') return fc.uuid().map((u) => `fuzz-${u.slice(0, 8)}@example.test`)
      const min = s.minLength ?? 0
      const max = Math.min(s.maxLength ?? 40, min + 40)
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity))
      return fc.string({ minLength: min, maxLength: max, unit: 'grapheme-ascii' })
    }
    default:
      return fc.constant('x')
  }
}

/** Percent-encoding that also writes lone surrogates (as the bytes a sloppy UTF-8 encoder would emit). */
function pct(s: string): string {
  let out = ''
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')
    else out += encodeURIComponent(ch)
  }
  return out
}

/**
 * Cursors are opaque base64url JSON (lib/pagination.ts): forged ones of the right shape carry values that
 * pass a JavaScript check but that PostgreSQL may refuse (30 February, year 0, integers past int4).
 */
const forgedCursor = fc
  .array(
    fc.oneof(
      fc.constantFrom('2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-01-01T24:00:00Z', '9999-12-31T23:59:59.999999999Z', '2026-01-01T00:00:00+14:59', '1900-01-01T00:00:00Z', '2026-01-01T00:00:00 garbage'),
      fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 1.5),
      fc.uuid(),
      hostileString,
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'))

/** A parameter value: usually a real or well-formed one, often hostile. */
function paramValue(p: Schema, fixtures: Fixtures): fc.Arbitrary<string> {
  const ok = valid(p.schema, p.name, fixtures).map((v) => String(v))
  if (p.name === 'cursor') return fc.oneof({ weight: 1, arbitrary: ok }, { weight: 3, arbitrary: forgedCursor }, { weight: 2, arbitrary: hostileString })
  return fc.oneof({ weight: 2, arbitrary: ok }, { weight: 3, arbitrary: hostileString })
}

function pathOf(op: Operation, fixtures: Fixtures): fc.Arbitrary<string> {
  const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
  if (!names.length) return fc.constant(op.template)
  const values = names.map((n) => {
    const p = op.params.find((x) => x.in === 'path' && x.name === n) ?? { name: n, schema: { type: 'string' } }
    return fc.oneof(
      { weight: 6, arbitrary: paramValue(p, fixtures).map(pct) },
      // unencoded traversal: the URL parser folds it before routing
      { weight: 1, arbitrary: fc.constantFrom('..', '.', '../..', '%2e%2e', '..%2f..', '%2F', '') },
    )
  })
  return fc.tuple(...values).map((vs) => names.reduce((path, n, i) => path.replace(`{${n}}`, vs[i]), op.template))
}

function queryOf(op: Operation, fixtures: Fixtures): fc.Arbitrary<string> {
  const declared = op.params.filter((p) => p.in === 'query')
  const pairs = declared.map((p) => fc.option(paramValue(p, fixtures).map((v) => [`${p.name}=${pct(v)}`]), { nil: [] as string[] }))
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.constantFrom(['x=1'], ['limit=1', 'limit=2'], ['cursor[]=a'], ['__proto__=1'], ['%00=%00'], ['a'], ['=&&='], [`q=${'x'.repeat(4000)}`]) },
  )
  return fc.tuple(fc.tuple(...pairs), extra).map(([ps, e]) => {
    const all = [...ps.flat(), ...e]
    return all.length ? `?${all.join('&')}` : ''
  })
}

function headersOf(op: Operation, fixtures: Fixtures): fc.Arbitrary<Record<string, string>> {
  const declared = op.params.filter((p) => p.in === 'header')
  const own = declared.map((p) =>
    fc.option(fc.oneof(valid(p.schema, p.name, fixtures).map(String), hostileHeader).map((v) => [p.name.toLowerCase(), v] as const), { freq: p.required ? 8 : 2, nil: null }),
  )
  const general = fc.record(
    {
      'x-request-id': hostileHeader,
      'x-forwarded-for': hostileHeader,
      accept: fc.constantFrom('*/*', 'text/event-stream', 'application/xml', ''),
      'accept-encoding': fc.constantFrom('gzip', 'br, deflate', 'identity;q=0', 'x'),
      cookie: hostileHeader,
      'if-none-match': hostileHeader,
      'last-event-id': hostileHeader,
    },
    { requiredKeys: [] },
  )
  return fc.tuple(fc.tuple(...own), general).map(([o, g]) => ({ ...(g as Record<string, string>), ...Object.fromEntries(o.filter((x) => x !== null)) }))
}

const UNKNOWN_FIELDS = ['id', 'creatorId', 'userId', 'status', 'availableStock', 'followerCount', 'createdAt', '__proto__', 'constructor', 'isAdmin', 'x']

/** A body built from the schema, then bent: a field gets a hostile value, goes missing, or gains a neighbour. */
function bodyOf(op: Operation, fixtures: Fixtures): fc.Arbitrary<{ body?: string; contentType?: string }> {
  const json = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/problem+json', 'APPLICATION/JSON') },
    { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/jsonx', '') },
  )
  const raw = fc.oneof({ weight: 3, arbitrary: hostileRawBody }, { weight: 1, arbitrary: costlyRawBody }).map((b) => ({ body: b, contentType: 'application/json' }))
  if (!op.body) {
    // Operations without a body get one now and then anyway.
    return fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: fc.tuple(hostileValue, json).map(([v, t]) => ({ body: JSON.stringify(v), contentType: t })) })
  }
  const props = Object.entries<Schema>(resolve(op.body).properties ?? {})
  // Mostly one field bent at a time, so that the rest of the body passes and the bent value meets the code
  // behind validation; a text field mostly gets hostile text rather than a value of another type.
  const change = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...props).chain(([k, v]) => fc.tuple(fc.constant(k), fc.constant('set'), resolve(v).type === 'string' ? fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: hostileValue }) : hostileValue)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...props.map(([k]) => k)), fc.constant('delete'), fc.constant(null)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...UNKNOWN_FIELDS), fc.constant('set'), hostileValue) },
  )
  const changes = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 6, arbitrary: change.map((c) => [c]) }, { weight: 2, arbitrary: fc.array(change, { minLength: 2, maxLength: 3 }) })
  const bent = fc
    .tuple(valid(op.body, '', fixtures), changes, json)
    .map(([base, changes, contentType]) => {
      const obj: Record<string, unknown> = { ...(base as object) }
      for (const [k, how, v] of changes) {
        if (how === 'delete') delete obj[k]
        else Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true })
      }
      return { body: JSON.stringify(obj), contentType }
    })
  return fc.oneof({ weight: 6, arbitrary: bent }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: hostileValue.map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' })) })
}

export function requestsFor(op: Operation, fixtures: Fixtures): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathOf(op, fixtures),
      query: queryOf(op, fixtures),
      headers: headersOf(op, fixtures),
      body: bodyOf(op, fixtures),
      // now and then another method on the same path: the router's answer must be a problem too
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }),
      who: fc.constantFrom('owner', 'user') as fc.Arbitrary<FuzzRequest['who']>,
      authorization: fc.option(hostileAuthorization, { freq: 3, nil: null }),
    })
    .map(({ path, query, headers, body, method, who, authorization }) => {
      const h: Record<string, string> = { ...headers }
      if (body.contentType) h['content-type'] = body.contentType
      return { method, url: path + query, headers: h, body: body.body, who, anonymousAuthorization: authorization }
    })
}
