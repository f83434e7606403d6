/**
 * Derives code from openapi.yaml, the hand-written contract:
 *   - server/src/contract/schemas.gen.ts: TypeBox schemas for every component schema and, per operation,
 *     the Elysia validation hook (params, query, headers, body) the server routes use.
 *   - sdk/src/schema.d.ts: openapi-typescript types for the SDK (when the sdk workspace exists).
 *
 * `--check` regenerates in memory and fails when a committed file differs (stale generated code).
 * The TypeBox emitter is hand-rolled because no maintained package turns OpenAPI 3.1 schemas into TypeBox
 * source; it covers exactly the JSON Schema keywords the spec uses and refuses any other.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'

type Schema = Record<string, any>

const root = join(import.meta.dir, '..')
const specPath = join(root, 'openapi.yaml')
const HEADER = '// generated from openapi.yaml by scripts/gen-contract.ts — do not edit. Regenerate: npm run gen\n'

const SUPPORTED = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'anyOf',
  'format', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'default', 'description', 'title', 'examples', 'example',
  'readOnly', 'writeOnly', 'deprecated',
])
const PASSED_OPTIONS = [
  'format', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'default', 'title',
]

function refName(ref: string): string {
  const m = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(ref)
  if (!m) throw new Error(`unsupported $ref ${ref}`)
  return m[1]
}

/**
 * Text PostgreSQL can store: no U+0000 (a text column refuses it, SQLSTATE 22021 — it used to surface as a
 * 500) and no unpaired UTF-16 surrogate (it has no UTF-8 form: the driver would write U+FFFD, silently
 * changing the value). Surrogate pairs (emoji and everything else outside the BMP) pass. A look-ahead for
 * what is forbidden rather than a repetition of what is allowed: `^(?:[^…]|pair)*$` backtracks
 * quadratically in JavaScriptCore (a 64 KiB string took 0.4 s to check, 1 MB took 7 s); this is linear.
 * It means the same with and without the `u` flag (TypeBox compiles patterns without it, ajv with it).
 */
const TEXT_GUARD = '(?![\\s\\S]*(?:\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]))'
const STORABLE_TEXT = `^${TEXT_GUARD}`

/**
 * Formats whose Elysia check is looser than the contract and than PostgreSQL: Elysia's `uuid` takes a
 * `urn:uuid:` prefix, which PostgreSQL refuses (SQLSTATE 22P02: a 500 on every id in a path, found by the
 * fuzz test), and its `date-time` takes whatever `new Date()` parses ("Mon Jan 05 2099", "01/02/2099",
 * 30 February, silently moved to March). The contract means RFC 4122 text and RFC 3339, from year 0001 on
 * (PostgreSQL refuses year 0000), and says so with these patterns, which join the format's own check.
 */
const FORMAT_PATTERNS: Record<string, string> = {
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  'date-time':
    '^(?!0000)\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|[12]\\d))' +
    '[Tt](?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:[Zz]|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$',
}

/**
 * The one rule for every string the generated validators accept (bodies, path, query and header
 * parameters, whatever the field): a string with a pattern of its own keeps it, behind the guard
 * (`[\s\S]*?` keeps the own pattern's search semantics when it is not anchored). Enums and constants
 * are exact values and need no guard.
 */
function guardText(s: Schema): Schema {
  if (s.type !== 'string' || 'enum' in s || 'const' in s) return s
  const own = s.pattern ?? FORMAT_PATTERNS[s.format]
  return { ...s, pattern: own === undefined ? STORABLE_TEXT : `${STORABLE_TEXT}[\\s\\S]*?(?:${own})` }
}

function options(s: Schema, extra: Record<string, unknown> = {}): string {
  const o: Record<string, unknown> = { ...extra }
  for (const k of PASSED_OPTIONS) if (k in s) o[k] = s[k]
  return Object.keys(o).length ? JSON.stringify(o) : ''
}

// Bodies and components use plain TypeBox (`T`), which is strict: a JSON string is never taken for a number.
// Path, query and header parameters arrive as strings, so they use Elysia's `t`, whose numbers coerce.
function emit(s: Schema, where: string, deps: Set<string>, ns = 'T'): string {
  // `x-` extensions carry vocabulary for generateVocabulary (ErrorCode's x-errors), not validation.
  for (const k of Object.keys(s)) if (!SUPPORTED.has(k) && !k.startsWith('x-')) throw new Error(`${where}: unsupported keyword ${k}`)
  if (s.$ref) {
    const name = refName(s.$ref)
    deps.add(name)
    return name
  }
  if (s.oneOf || s.anyOf) {
    const parts = (s.oneOf ?? s.anyOf).map((x: Schema, i: number) => emit(x, `${where}/oneOf/${i}`, deps, ns))
    return `${ns}.Union([${parts.join(', ')}])`
  }
  if ('const' in s) return `${ns}.Literal(${JSON.stringify(s.const)})`
  if (s.enum) return `${ns}.Union([${s.enum.map((v: unknown) => `${ns}.Literal(${JSON.stringify(v)})`).join(', ')}])`
  if (Array.isArray(s.type)) {
    const parts = s.type.map((ty: string) => emit({ ...s, type: ty }, where, deps, ns))
    return `${ns}.Union([${parts.join(', ')}])`
  }
  const opt = options(guardText(s))
  switch (s.type) {
    case 'null':
      return `${ns}.Null()`
    case 'string':
      return `${ns}.String(${opt})`
    case 'integer':
      return `${ns}.Integer(${opt})`
    case 'number':
      return `${ns}.Number(${opt})`
    case 'boolean':
      return `${ns}.Boolean(${opt})`
    case 'array':
      return `${ns}.Array(${emit(s.items ?? {}, `${where}/items`, deps, ns)}${opt ? ', ' + opt : ''})`
    case 'object': {
      const required = new Set<string>(s.required ?? [])
      const props = Object.entries<Schema>(s.properties ?? {}).map(([k, v]) => {
        const inner = emit(v, `${where}/${k}`, deps, ns)
        return `${JSON.stringify(k)}: ${required.has(k) ? inner : `${ns}.Optional(${inner})`}`
      })
      const extra: Record<string, unknown> = {}
      if (s.additionalProperties === false) extra.additionalProperties = false
      const o = options(s, extra)
      return `${ns}.Object({ ${props.join(', ')} }${o ? ', ' + o : ''})`
    }
    default:
      throw new Error(`${where}: schema without a supported type`)
  }
}

function resolve<T = Schema>(spec: Schema, x: Schema): T {
  if (!x.$ref) return x as T
  const path = x.$ref.replace(/^#\//, '').split('/')
  return path.reduce((o: any, k: string) => o[k], spec) as T
}

export function generateServerSchemas(spec: Schema): string {
  const schemas: Record<string, Schema> = spec.components?.schemas ?? {}
  const bodies = new Map<string, { code: string; deps: Set<string> }>()
  for (const [name, s] of Object.entries(schemas)) {
    const deps = new Set<string>()
    bodies.set(name, { code: emit(s, name, deps), deps })
  }
  // Topological order so that every schema is declared before it is referenced.
  const ordered: string[] = []
  const seen = new Set<string>()
  const visit = (n: string, stack: string[]) => {
    if (seen.has(n)) return
    if (stack.includes(n)) throw new Error(`recursive schema ${[...stack, n].join(' -> ')}`)
    if (!bodies.has(n)) throw new Error(`unknown schema ${n}`)
    for (const d of bodies.get(n)!.deps) visit(d, [...stack, n])
    seen.add(n)
    ordered.push(n)
  }
  for (const n of [...bodies.keys()].sort()) visit(n, [])

  let out = HEADER + "import { t } from 'elysia'\nimport { Type as T } from '@sinclair/typebox'\n\n"
  out += `/** Every string a request carries must match this (no U+0000, no unpaired surrogate): see guardText. */\nexport const STORABLE_TEXT = ${JSON.stringify(STORABLE_TEXT)}\n\n// Component schemas\n`
  for (const n of ordered) {
    out += `export const ${n} = ${bodies.get(n)!.code}\nexport type ${n} = typeof ${n}.static\n`
  }
  out += '\n// Per-operation validation hooks for Elysia routes, keyed by operationId\n'
  const ops: string[] = []
  for (const [path, item] of Object.entries<Schema>(spec.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method]
      if (!op) continue
      const id = op.operationId
      if (!id) throw new Error(`${method.toUpperCase()} ${path} has no operationId`)
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => resolve(spec, p))
      const deps = new Set<string>()
      const group = (where: string, lower: boolean, closed: boolean) => {
        const ps = params.filter((p) => p.in === where)
        if (!ps.length) return null
        const props = ps.map((p) => {
          // An integer parameter is coerced from text by Elysia, whose range errors name no field ("property"):
          // the schema's title carries the parameter name to the error answer (lib/http.ts).
          const schema = p.schema.type === 'integer' ? { ...p.schema, title: p.name } : p.schema
          const inner = emit(schema, `${id}/${where}/${p.name}`, deps, 't')
          const key = lower ? p.name.toLowerCase() : p.name
          return `${JSON.stringify(key)}: ${p.required ? inner : `t.Optional(${inner})`}`
        })
        return `t.Object({ ${props.join(', ')} }${closed ? ', { additionalProperties: false }' : ''})`
      }
      const parts: string[] = []
      const p = group('path', false, true)
      if (p) parts.push(`params: ${p}`)
      const q = group('query', false, false)
      if (q) parts.push(`query: ${q}`)
      const h = group('header', true, false)
      if (h) parts.push(`headers: ${h}`)
      const body = op.requestBody && resolve(spec, op.requestBody).content?.['application/json']?.schema
      if (body) parts.push(`body: ${emit(body, `${id}/body`, deps)}`)
      ops.push(`  ${id}: { ${parts.join(', ')} },`)
    }
  }
  out += `export const operations = {\n${ops.join('\n')}\n} as const\n`
  return out
}

/** The `type` values a stream/event schema can carry: its own `type` enum, or the union over its oneOf variants. */
function eventTypes(spec: Schema, s: Schema): string[] | null {
  const own = (x: Schema): string[] | null => {
    const t = resolve<Schema>(spec, x).properties?.type
    if (!t) return null
    const r = resolve<Schema>(spec, t)
    return r.enum ?? ('const' in r ? [r.const] : null)
  }
  if (s.oneOf) {
    const all = (s.oneOf as Schema[]).map(own)
    return all.every(Boolean) ? [...new Set(all.flat() as string[])] : null
  }
  return s.type === 'object' ? own(s) : null
}

/**
 * The contract's vocabulary as values, for code that needs them at run time (the server's problem titles and
 * statuses, the SDK's typed `error.code`, the CLI's checks and exit codes, the load tests' event names):
 * ERROR_CODES from ErrorCode and its `x-errors`, ENUMS from every string enum schema, EVENT_TYPES from every
 * event schema whose variants carry a `type`. Written to the server and to the SDK, which everything else uses.
 */
export function generateVocabulary(spec: Schema): string {
  const schemas: Record<string, Schema> = spec.components?.schemas ?? {}
  const ec = schemas.ErrorCode
  if (!ec?.enum || !ec['x-errors']) throw new Error('components.schemas.ErrorCode needs an enum and x-errors')
  const meta: Record<string, { status: number; title: string; description?: string }> = ec['x-errors']
  const listed = new Set<string>(ec.enum)
  for (const c of Object.keys(meta)) if (!listed.has(c)) throw new Error(`ErrorCode x-errors names ${c}, which is not in its enum`)
  let out = HEADER + '\n/** Every problem `code` with its one HTTP status and title (openapi.yaml: ErrorCode and its x-errors). */\nexport const ERROR_CODES = {\n'
  for (const c of ec.enum as string[]) {
    const m = meta[c]
    if (!m || !Number.isInteger(m.status) || m.status < 400 || m.status > 599 || !m.title) throw new Error(`ErrorCode ${c} needs x-errors.${c}: { status: 4xx|5xx, title }`)
    out += `  ${c}: { status: ${m.status}, title: ${JSON.stringify(m.title)} },\n`
  }
  out += '} as const\nexport type ErrorCode = keyof typeof ERROR_CODES\n\n'
  out += '/** The values of every string enum schema, by schema name. */\nexport const ENUMS = {\n'
  for (const [n, x] of Object.entries(schemas)) if (x.type === 'string' && x.enum && n !== 'ErrorCode') out += `  ${n}: ${JSON.stringify(x.enum)},\n`
  out += '} as const\n\n/** The `type` values of every event schema (stream frames, webhook bodies), by schema name. */\nexport const EVENT_TYPES = {\n'
  for (const [n, x] of Object.entries(schemas)) {
    const types = eventTypes(spec, x)
    if (types && /Event$/.test(n)) out += `  ${n}: ${JSON.stringify(types)},\n`
  }
  // What a client sends: request bodies (…Request) and the objects they nest (…Input, e.g. a drop's access).
  const sent = Object.entries(schemas).filter(([n, x]) => /(Request|Input)$/.test(n) && x.type === 'object')
  const KEYS = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems']
  const fieldsOf = (x: Schema, pick: (v: Schema) => unknown) => {
    const fields: string[] = []
    for (const [f, raw] of Object.entries<Schema>(x.properties ?? {})) {
      const v = pick(resolve<Schema>(spec, raw))
      if (v !== undefined) fields.push(`${f}: ${JSON.stringify(v)}`)
    }
    return fields
  }
  out += '} as const\n\n/** The bounds of every field a client sends (minimum/maximum, minLength/maxLength), by schema and field. */\nexport const FIELD_LIMITS = {\n'
  for (const [n, x] of sent) {
    // A nullable field is `type: [integer, 'null']` or a oneOf with null: its bounds are the non-null part's.
    const fields = fieldsOf(x, (v) => {
      const b = Object.fromEntries(KEYS.filter((k) => k in v).map((k) => [k, v[k]]))
      return Object.keys(b).length ? b : undefined
    })
    if (fields.length) out += `  ${n}: { ${fields.join(', ')} },\n`
  }
  out += '} as const\n\n/** What the server assumes for a field a client leaves out (the contract\'s `default`), by schema and field. */\nexport const FIELD_DEFAULTS = {\n'
  for (const [n, x] of sent) {
    const fields = fieldsOf(x, (v) => v.default)
    if (fields.length) out += `  ${n}: { ${fields.join(', ')} },\n`
  }
  out += '} as const\n\n/** The shared parameters\' bounds and defaults (components.parameters), e.g. a page\'s `limit`. */\nexport const PARAMETERS = {\n'
  for (const [n, raw] of Object.entries<Schema>(spec.components?.parameters ?? {})) {
    const v = resolve<Schema>(spec, raw.schema ?? {})
    const b = Object.fromEntries([...KEYS, 'default'].filter((k) => k in v).map((k) => [k, v[k]]))
    if (Object.keys(b).length) out += `  ${n}: ${JSON.stringify(b)},\n`
  }
  out += '} as const\n'
  return out
}

export function loadSpec(): Schema {
  return parse(readFileSync(specPath, 'utf8'))
}

async function generateSdkTypes(): Promise<string | null> {
  const sdkDir = join(root, 'sdk')
  if (!existsSync(join(sdkDir, 'package.json'))) return null
  const { default: openapiTS, astToString } = await import('openapi-typescript')
  // defaultNonNullable off: a field with a `default` (CreateProductRequest.description) stays optional in request
  // bodies, where the server fills it in; the response schemas list their fields as required anyway.
  const ast = await openapiTS(new URL(`file://${specPath}`), { defaultNonNullable: false })
  return HEADER + astToString(ast)
}

async function main() {
  const check = process.argv.includes('--check')
  const spec = loadSpec()
  const targets: Array<[string, string | null]> = [
    [join(root, 'server/src/contract/schemas.gen.ts'), generateServerSchemas(spec)],
    [join(root, 'server/src/contract/vocabulary.gen.ts'), generateVocabulary(spec)],
    [join(root, 'sdk/src/schema.d.ts'), await generateSdkTypes()],
    [join(root, 'sdk/src/vocabulary.gen.ts'), existsSync(join(root, 'sdk/package.json')) ? generateVocabulary(spec) : null],
  ]
  let stale = 0
  for (const [file, content] of targets) {
    if (content === null) continue
    const current = existsSync(file) ? readFileSync(file, 'utf8') : null
    if (check) {
      if (current !== content) {
        stale++
        console.error(`stale: ${file.slice(root.length + 1)} differs from what openapi.yaml generates (run npm run gen)`)
      }
    } else if (current !== content) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, content)
      console.error(`wrote ${file.slice(root.length + 1)}`)
    }
  }
  if (check) {
    if (stale) process.exit(1)
    console.error('generated files are up to date')
  }
}

if (import.meta.main) await main()
