/**
 * Traces across two real server processes exporting to a loopback OTLP receiver (server/test/otlp.ts): A sends
 * OTLP/JSON, B the default OTLP/protobuf. One order placed on A with a client's traceparent is followed to the
 * SSE frame B writes: A's request span continues the client's trace and is named by its route, A's SQL and
 * Redis spans sit under it, B's `sse deliver order.confirmed` span is a descendant of it (the outbox hop
 * carried the trace), and so is the creator's webhook attempt, whose request carries its traceparent. Every log line A writes for the request names its request id and that trace id.
 * Ports 3690-3692 belong to this suite.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestContext, describeWithRedis, liveDrop, registerUser, testConfig } from '../../../test/helpers'
import { startServer, type ServerProcess } from '../../../test/processes'
import { readSse } from '../../../test/sse'
import { waitFor, webhookReceiver } from '../../../test/receiver'
import { otlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../test/otlp'

const ctx = createTestContext({ rateLimit: { ...testConfig().rateLimit, enabled: false }, webhooks: { ...testConfig().webhooks, allowHttpLoopback: true } })
const hooks = webhookReceiver()
let receiver: OtlpReceiver
let A: ServerProcess
let B: ServerProcess

beforeAll(async () => {
  if (!process.env.TEST_REDIS_URL) return
  receiver = otlpReceiver(3690)
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, RATE_LIMIT_ENABLED: 'true', LOG_LEVEL: 'debug', WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOKS_POLL_MS: '50' }
  ;[A, B] = await Promise.all([
    startServer(3691, { ...common, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'livedrop-test' }),
    startServer(3692, { ...common, OTEL_SERVICE_NAME: 'livedrop-test' }),
  ])
}, 60_000)

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()])
  receiver?.stop()
  hooks.stop()
  await ctx.close()
})

const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')

/** Is `span` below `ancestor` (same trace, following parent ids through the spans received)? */
function descends(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]))
  for (let s: ReceivedSpan | undefined = span; s; s = byId.get(s.parentSpanId)) if (s.parentSpanId === ancestor.spanId) return true
  return false
}

describeWithRedis('traces across two instances (OTLP)', () => {
  test('an order on A is followed from its HTTP span through SQL and Redis to the SSE frame sent by B', async () => {
    const { drop, owner } = await liveDrop(ctx, { initialStock: 5 })
    // The creator's webhook: its delivery of the order carries the trace on (traceparent out).
    expect((await ctx.api('POST', '/v1/webhooks', { token: owner.accessToken, body: { url: hooks.url('/orders'), events: ['order.confirmed'] } })).status).toBe(201)
    const buyer = await registerUser(ctx.api)
    const stream = await readSse(await fetch(`${B.url}/v1/me/events`, { headers: { authorization: `Bearer ${buyer.accessToken}` } }), '/v1/me/events')
    expect(stream.status).toBe(200)
    expect((await stream.next()).event).toBe('state')

    // The client's own trace: the server continues it (W3C traceparent in).
    const traceId = hex(16)
    const clientSpanId = hex(8)
    const requestId = `trace-order-${hex(4)}`
    const res = await fetch(`${A.url}/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${buyer.accessToken}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID(),
        traceparent: `00-${traceId}-${clientSpanId}-01`, 'x-request-id': requestId,
      },
      body: JSON.stringify({ dropId: drop.id, quantity: 1 }),
    })
    expect(res.status).toBe(201)
    const order = (await res.json()) as { id: string }
    // Request id and trace id in every line A logged for the request (its recent output: the spawner keeps 8 KB).
    const logLines = () => A.output().split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>]
      } catch {
        return []
      }
    })
    const lines = await waitFor('A\'s log lines of the request', () => {
      const found = logLines().filter((l) => l.requestId === requestId)
      return found.length > 0 && found
    })
    expect(lines.every((l) => l.traceId === traceId)).toBe(true)
    // …and every request-scoped line carries a trace id.
    expect(logLines().filter((l) => l.requestId).every((l) => typeof l.traceId === 'string' && /^[0-9a-f]{32}$/.test(l.traceId as string))).toBe(true)
    const frame = await stream.collect((e) => e.event === 'order.confirmed', 10_000)
    expect(frame.at(-1)!.data.data.order.id).toBe(order.id)
    await stream.close()

    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId)
    const request = await waitFor('A\'s request span', () => inTrace().find((s) => s.name === 'POST /v1/orders'), 20_000)
    expect(request.parentSpanId).toBe(clientSpanId)
    expect(request.kind).toBe(2) // SERVER
    expect(request.attributes['http.route']).toBe('/v1/orders')
    expect(request.attributes['http.response.status_code']).toBe(201)
    expect(request.attributes['livedrop.request_id']).toBe(requestId)
    expect(request.resource['service.name']).toBe('livedrop-test')
    const instanceA = request.resource['service.instance.id']

    // The statements of the order, under the request (those of its transaction under the transaction's span),
    // once each, never with a parameter value in them.
    const sql = await waitFor('SQL spans of the order', () => {
      const found = inTrace().filter((s) => s.attributes['db.system.name'] === 'postgresql' && descends(receiver.spans, s, request))
      const tx = found.find((s) => s.name === 'BEGIN … COMMIT')
      return tx && found.filter((s) => s.parentSpanId === tx.spanId).length >= 2 && found
    }, 20_000)
    const statements = sql.filter((s) => s.name !== 'BEGIN … COMMIT')
    expect(statements.every((s) => typeof s.attributes['db.query.text'] === 'string')).toBe(true)
    expect(statements.some((s) => statements.some((p) => p.spanId === s.parentSpanId))).toBe(false)
    expect(sql.every((s) => s.resource['service.instance.id'] === instanceA)).toBe(true)
    expect(sql.some((s) => String(s.attributes['db.query.text']).includes(order.id))).toBe(false)
    // Redis commands of the request (the rate limiter), by the ioredis instrumentation.
    await waitFor('a Redis span under the request', () => inTrace().some((s) => s.attributes['db.system.name'] === 'redis' && descends(receiver.spans, s, request)), 20_000)

    // The outbox hop: B sent the frame inside a span of the same trace, below A's request span.
    const delivered = await waitFor('B\'s delivery span', () => inTrace().find((s) => s.name === 'sse deliver order.confirmed' && s.resource['service.instance.id'] !== instanceA), 20_000)
    expect(descends(receiver.spans, delivered, request)).toBe(true)
    expect(delivered.attributes['livedrop.event.seq']).toBe(Number(frame.at(-1)!.id))
    // The relay that published it links to the trace.
    await waitFor('a relay span linked to the trace', () => receiver.spans.some((s) => s.name === 'outbox relay' && s.links.some((l) => l.traceId === traceId)), 20_000)
    // traceparent out: the webhook attempt is a CLIENT span below the request, and its request names that span.
    const hook = await waitFor('the webhook delivery', () => hooks.at('/orders').find((r) => JSON.parse(r.body).data.order.id === order.id), 20_000)
    const sent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(hook.headers.get('traceparent') ?? '')
    expect(sent?.[1]).toBe(traceId)
    const attempt = await waitFor('the webhook span', () => inTrace().find((s) => s.spanId === sent![2]), 20_000)
    expect(attempt.name).toBe('webhook order.confirmed')
    expect(attempt.kind).toBe(3) // CLIENT
    expect(descends(receiver.spans, attempt, request)).toBe(true)
    // Both OTLP encodings arrived and were decoded.
    expect([...receiver.encodings].sort()).toEqual(['application/json', 'application/x-protobuf'])

  }, 90_000)
})
