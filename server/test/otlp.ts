/**
 * A loopback OpenTelemetry collector for tests: accepts OTLP/HTTP trace exports (POST /v1/traces) in both
 * encodings the server can send — JSON and protobuf — and decodes them into plain spans the test can walk.
 * The protobuf reader is the few fields of ExportTraceServiceRequest a span tree needs (opentelemetry-proto,
 * trace/v1/trace.proto), read straight off the wire format; every other field is skipped by its wire type.
 */
import { testPort } from './helpers'

export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** '' for a root span */
  parentSpanId: string
  name: string
  kind: number
  attributes: Record<string, string | number | boolean>
  links: Array<{ traceId: string; spanId: string }>
  /** the exporting process's resource attributes (service.name, service.instance.id) */
  resource: Record<string, string | number | boolean>
}

export interface OtlpReceiver {
  endpoint: string
  spans: ReceivedSpan[]
  /** content types of the export requests received */
  encodings: Set<string>
  stop(): void
}

type AnyValue = string | number | boolean

// ---- protobuf wire format: varints and length-delimited fields ----
class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      const b = this.buf[this.pos++]!
      result += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return result
      shift += 7
    }
  }
  /** → [field number, wire type] or null at the end */
  tag(): [number, number] | null {
    if (this.pos >= this.end) return null
    const t = this.varint()
    return [Math.floor(t / 8), t & 7]
  }
  bytes(): Uint8Array {
    const n = this.varint()
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  skip(wire: number) {
    if (wire === 0) this.varint()
    else if (wire === 1) this.pos += 8
    else if (wire === 2) {
      const n = this.varint() // read first: `pos += varint()` would add to the position before the length
      this.pos += n
    }
    else if (wire === 5) this.pos += 4
    else throw new Error(`unsupported wire type ${wire}`)
  }
}

/** Each field of a message: its number, wire type, and a reader for a length-delimited value. */
function* fields(buf: Uint8Array): Generator<{ n: number; wire: number; r: Reader; value: () => Uint8Array; int: () => number }> {
  const r = new Reader(buf)
  for (let t = r.tag(); t; t = r.tag()) {
    const [n, wire] = t
    let consumed = false
    yield {
      n, wire, r,
      value: () => ((consumed = true), r.bytes()),
      int: () => ((consumed = true), r.varint()),
    }
    if (!consumed) r.skip(wire)
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const text = (b: Uint8Array) => new TextDecoder().decode(b)

function anyValue(buf: Uint8Array): AnyValue {
  for (const f of fields(buf)) {
    if (f.n === 1) return text(f.value())
    if (f.n === 2) return f.int() !== 0
    if (f.n === 3) return f.int()
  }
  return ''
}

function keyValue(buf: Uint8Array): [string, AnyValue] {
  let key = ''
  let value: AnyValue = ''
  for (const f of fields(buf)) {
    if (f.n === 1) key = text(f.value())
    else if (f.n === 2) value = anyValue(f.value())
  }
  return [key, value]
}

function protobufSpans(buf: Uint8Array): ReceivedSpan[] {
  const out: ReceivedSpan[] = []
  for (const rs of fields(buf)) {
    if (rs.n !== 1) continue
    const resource: ReceivedSpan['resource'] = {}
    const spans: Uint8Array[] = []
    for (const f of fields(rs.value())) {
      if (f.n === 1) for (const a of fields(f.value())) if (a.n === 1) Object.assign(resource, Object.fromEntries([keyValue(a.value())]))
      if (f.n === 2) for (const s of fields(f.value())) if (s.n === 2) spans.push(s.value())
    }
    for (const s of spans) {
      const span: ReceivedSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, attributes: {}, links: [], resource }
      for (const f of fields(s)) {
        if (f.n === 1) span.traceId = hex(f.value())
        else if (f.n === 2) span.spanId = hex(f.value())
        else if (f.n === 4) span.parentSpanId = hex(f.value())
        else if (f.n === 5) span.name = text(f.value())
        else if (f.n === 6) span.kind = f.int()
        else if (f.n === 9) {
          const [k, v] = keyValue(f.value())
          span.attributes[k] = v
        } else if (f.n === 13) {
          const link = { traceId: '', spanId: '' }
          for (const l of fields(f.value())) {
            if (l.n === 1) link.traceId = hex(l.value())
            else if (l.n === 2) link.spanId = hex(l.value())
          }
          span.links.push(link)
        }
      }
      out.push(span)
    }
  }
  return out
}

// ---- OTLP/JSON: ids are hex strings, attribute values AnyValue objects ----
type JsonKeyValue = { key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number } }
const jsonAttrs = (list: JsonKeyValue[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, a.value.stringValue ?? (a.value.intValue !== undefined ? Number(a.value.intValue) : a.value.boolValue ?? a.value.doubleValue ?? '')]))

function jsonSpans(body: any): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs: any) => {
    const resource = jsonAttrs(rs.resource?.attributes)
    return (rs.scopeSpans ?? []).flatMap((ss: any) => (ss.spans ?? []).map((s: any): ReceivedSpan => ({
      traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: s.kind ?? 0,
      attributes: jsonAttrs(s.attributes), links: (s.links ?? []).map((l: any) => ({ traceId: l.traceId, spanId: l.spanId })), resource,
    })))
  })
}

/** Listens on testPort(basePort); the servers under test get `endpoint` as OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpReceiver(basePort: number): OtlpReceiver {
  const spans: ReceivedSpan[] = []
  const encodings = new Set<string>()
  const server = Bun.serve({
    port: testPort(basePort),
    hostname: '127.0.0.1',
    async fetch(req) {
      if (req.method !== 'POST' || new URL(req.url).pathname !== '/v1/traces') return new Response('not found', { status: 404 })
      const type = req.headers.get('content-type') ?? ''
      encodings.add(type.split(';')[0]!)
      const buf = new Uint8Array(await req.arrayBuffer())
      spans.push(...(type.includes('json') ? jsonSpans(JSON.parse(text(buf))) : protobufSpans(buf)))
      // An empty ExportTraceServiceResponse: everything accepted.
      return type.includes('json') ? Response.json({}) : new Response(new Uint8Array(0), { headers: { 'content-type': 'application/x-protobuf' } })
    },
  })
  return { endpoint: `http://127.0.0.1:${server.port}`, spans, encodings, stop: () => server.stop(true) }
}
