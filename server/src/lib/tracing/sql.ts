/**
 * A CLIENT span per SQL statement and per transaction. postgres.js has no OpenTelemetry instrumentation and its
 * `debug` hook sees a statement only as it is sent (no end, no error): so the pool is wrapped once, here, in a
 * Proxy that starts a span when a statement starts (its then()) and ends it when it settles. Transactions
 * (`sql.begin`) get a span of their own, and their `tx` is wrapped the same way, so statements inside a
 * transaction are its children. Only the statement text with $n placeholders is recorded, never a parameter
 * (STYLE.md: query parameters never leak); a fragment interpolated into a statement shows as its $n.
 * Installed by deps.ts only when tracing is on.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api'
import type { Sql } from '../../db'

type Thenable = { then: (ok?: unknown, err?: unknown) => Promise<unknown> }
const isTemplate = (a: unknown): a is TemplateStringsArray => Array.isArray(a) && 'raw' in a
const ATTRS = { 'db.system.name': 'postgresql', 'db.system': 'postgresql' }

/** `SELECT drops`, `UPDATE idempotency_keys`, `WITH`… from the text: low-cardinality, as semconv asks. */
function nameOf(text: string): { name: string; operation: string } {
  const m = /^\s*(\w+)/.exec(text)
  const operation = (m?.[1] ?? 'SQL').toUpperCase()
  const target = /\b(?:from|into|update|join)\s+([a-z_][a-z0-9_]*)/i.exec(text)?.[1]
  return { name: target ? `${operation} ${target}` : operation, operation }
}

function settle<T>(span: Span, p: Promise<T>): Promise<T> {
  return p.then(
    (v) => {
      span.end()
      return v
    },
    (err: unknown) => {
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((err as { code?: unknown })?.code ?? 'error') })
      span.end()
      throw err
    },
  )
}

function wrapStatements<S extends object>(target: S, tracer: Tracer): S {
  return new Proxy(target, {
    apply(fn, self, args: unknown[]) {
      const q = Reflect.apply(fn as (...a: unknown[]) => unknown, self, args) as Thenable
      // Fragments (sql(identifier), sql(rows, ...)) are not statements.
      if (!isTemplate(args[0]) || !trace.getSpan(context.active())) return q
      const text = args[0].reduce((acc, part, i) => (i === 0 ? part : `${acc}$${i}${part}`), '')
      const run = q.then.bind(q)
      // One span per statement, however often then() is called: inside a transaction postgres.js itself calls
      // q.catch() (→ then) as it queues the statement, while the caller's await calls it too.
      let settled: Promise<unknown> | null = null
      const start = () => {
        const { name, operation } = nameOf(text)
        const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...ATTRS, 'db.operation.name': operation, 'db.query.text': text.trim().replace(/\s+/g, ' ').slice(0, 2000) } })
        return settle(span, context.with(trace.setSpan(context.active(), span), () => run() as Promise<unknown>))
      }
      Object.defineProperty(q, 'then', {
        configurable: true,
        value: (ok?: (v: unknown) => unknown, err?: (e: unknown) => unknown) => (settled ??= start()).then(ok, err),
      })
      return q
    },
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver)
      if (prop !== 'begin' || typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const body = args[args.length - 1] as (tx: object) => unknown
        if (!trace.getSpan(context.active())) return (value as (...a: unknown[]) => unknown).apply(obj, args)
        const span = tracer.startSpan('BEGIN … COMMIT', { kind: SpanKind.CLIENT, attributes: { ...ATTRS, 'db.operation.name': 'TRANSACTION' } })
        const inner = trace.setSpan(context.active(), span)
        return settle(span, context.with(inner, () =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(obj, [...args.slice(0, -1), (tx: object) => context.with(inner, () => body(wrapStatements(tx, tracer)))])))
      }
    },
  })
}

export const traceSql = (sql: Sql, tracer: Tracer): Sql => wrapStatements(sql, tracer)
