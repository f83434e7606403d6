/**
 * The operations kit in deploy/ (Prometheus rules, Grafana dashboard) against what the server really exports:
 * every livedrop_* series and label value they name must exist on GET /metrics, every recording rule they use
 * must be defined, and promtool (Debian's prometheus package; .ci/run installs it) must accept the rules and
 * pass their unit tests. The scrape-time gauges (outbox lag, oldest snapshot age) are shown to move.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { createTestContext, liveDrop } from '../../test/helpers'
import { untilNumbered } from '../../test/sse'

const DEPLOY = join(import.meta.dir, '..', '..', '..', 'deploy')
const ctx = createTestContext()
afterAll(() => ctx.close())

interface Rule { record?: string; alert?: string; expr: string }
const rules = (parse(readFileSync(join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules)
const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'livedrop.json'), 'utf8')) as {
  panels: { id: number; title: string; targets: { expr: string }[] }[]
}
const exprs = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))]

/** The metric a series name belongs to: histogram series carry _bucket/_sum/_count after the metric's name. */
const metricOf = (series: string, types: Map<string, string>) => {
  const base = series.replace(/_(bucket|sum|count)$/, '')
  return base !== series && types.get(base) === 'histogram' ? base : series
}

async function scrape(): Promise<string> {
  const res = await ctx.app.handle(new Request('http://localhost/metrics'))
  expect(res.status).toBe(200)
  return res.text()
}

describe('deploy/prometheus and deploy/grafana', () => {
  test('every series, label value and recording rule they name exists', async () => {
    // Traffic that puts the labelled series the rules select on into the exposition.
    const { drop } = await liveDrop(ctx, { initialStock: 1 })
    await ctx.api('GET', `/v1/drops/${drop.id}`)
    await ctx.api('POST', '/v1/orders', { body: { dropId: drop.id, quantity: 1 } })
    // The request metrics are recorded after the response is sent (onAfterResponse).
    await Bun.sleep(100)
    const text = await scrape()
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]))

    const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(livedrop_[a-z0-9_]+)/g)].map((m) => m[1]!)))
    expect(named.size).toBeGreaterThan(10)
    const missing = [...named].filter((s) => !types.has(metricOf(s, types)))
    expect(missing).toEqual([])

    const records = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])))
    const usedRecords = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(livedrop:[a-z0-9_:]+)/g)].map((m) => m[1]!)))
    expect([...usedRecords].filter((r) => !records.has(r))).toEqual([])

    // Label values the rules and panels match on exactly (route templates, fallback components, lag stages).
    const values = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(route|component|consumer|method)="([^"]+)"/g)].map((m) => `${m[1]}="${m[2]}"`)))
    expect(values.size).toBeGreaterThan(3)
    expect([...values].filter((v) => !text.includes(v))).toEqual([])

    // What the issue asks the dashboard to show, each at least once.
    for (const metric of ['livedrop_orders_confirmed_total', 'livedrop_orders_refused_total', 'livedrop_http_request_duration_seconds_bucket', 'livedrop_sse_connections',
      'livedrop_outbox_relay_lag_seconds', 'livedrop_outbox_consumer_lag_seconds', 'livedrop_cache_hits_total', 'livedrop_redis_fallback_active{', 'livedrop_db_oldest_snapshot_age_seconds']) {
      expect(dashboard.panels.some((p) => p.targets.some((t) => t.expr.includes(metric)))).toBe(true)
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)
  }, 30_000)

  test('outbox lag and the oldest snapshot age are read from PostgreSQL at scrape time', async () => {
    const gauge = (text: string, series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm'))?.[1])
    // An event committed 30 s ago that no relay has numbered (none runs in this context, and what earlier tests
    // left is numbered first): the relay is 30 s behind.
    await untilNumbered(ctx.deps)
    const [row] = await ctx.deps.sql<{ id: string }[]>`
      insert into outbox (type, data, created_at) values ('drop.stock', '{}', now() - interval '30 seconds') returning id::text`
    // A transaction holding a REPEATABLE READ snapshot for a while, on its own connection.
    const held = await ctx.deps.sql.reserve()
    try {
      await held`begin isolation level repeatable read`
      await held`select count(*) from drops`
      await Bun.sleep(1500)
      const text = await scrape()
      expect(gauge(text, 'livedrop_outbox_relay_lag_seconds')).toBeGreaterThanOrEqual(29)
      expect(gauge(text, 'livedrop_db_oldest_snapshot_age_seconds')).toBeGreaterThanOrEqual(1)
    } finally {
      await held`rollback`
      held.release()
      await ctx.deps.sql`delete from outbox where id = ${row!.id}`
    }
    const after = await scrape()
    expect(gauge(after, 'livedrop_outbox_relay_lag_seconds')).toBeLessThan(29)
  }, 30_000)

  test('promtool accepts the rules and the Prometheus config, and the alert unit tests pass', async () => {
    const promtool = Bun.which('promtool')
    if (!promtool) {
      // CI installs it (.ci/run); elsewhere the checks above still ran.
      if (process.env.CI) throw new Error('promtool is not installed (apt-get install --no-install-recommends prometheus)')
      console.error('note: promtool not installed; `apt-get install -y --no-install-recommends prometheus` to run its checks')
      return
    }
    const dir = join(DEPLOY, 'prometheus')
    for (const args of [['check', 'rules', 'alerts.yml'], ['check', 'config', 'prometheus.yml'], ['test', 'rules', 'alerts.test.yml']]) {
      const p = Bun.spawn([promtool, ...args], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
      if (code !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${out}${err}`)
    }
  }, 30_000)
})
