/**
 * GET /v1/search over 100,000 products, 20,000 drops and 2,000 creators, in one run on one machine:
 *   cached    — the real server (main.ts) with the two-layer cache, at a fixed 500 req/s
 *   uncached  — the same server with CACHE_ENABLED=false (every request runs the search statement), 500 req/s
 *   ceiling   — bare Elysia answering a search page as a constant, 500 req/s
 * then each again at full speed (no rate) for the throughput ratio, and EXPLAIN (ANALYZE, BUFFERS) of the
 * search statement for three typical queries, to show the GIN indexes at work.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     bun scripts/bench-search.ts        # BENCH_DURATION=10 BENCH_RATE=500 BENCH_CONNECTIONS=20 BENCH_PORT=3516
 *
 * The catalog is seeded with generate_series (seconds, not minutes) into its own database, livedrop_bench_search,
 * once; BENCH_RESEED=1 seeds it again. "Typical queries" are what a storefront's search box sends: one or two
 * words, a word being typed, a phrase, an exclusion, a typo, with and without a type and filters.
 */
import { Elysia } from 'elysia'
import postgres from 'postgres'
import type { SpawnedServer } from '../loadtest/runner/server'
import { benchDatabase, benchServer } from './lib/bench-server'
import { measure, type Row } from './lib/measure'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const rate = Number(process.env.BENCH_RATE ?? 500)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)
const port = Number(process.env.BENCH_PORT ?? 3516)
const base = `http://127.0.0.1:${port}`

const dbUrl = await benchDatabase('livedrop_bench_search')

// The scheduler stays off: the seeded drops' statuses are what the queries filter on.
const startServer = (extra: Record<string, string>) => benchServer(port, dbUrl, { RUN_SCHEDULER: 'false', REDIS_KEY_PREFIX: `benchsearch${Date.now()}:`, ...extra })
const stop = (server: SpawnedServer) => server.stop()

// A made-up catalog vocabulary: brand-like words, colours, materials, garments.
const syllables = ['ka', 'lo', 'mi', 'ra', 'to', 've', 'su', 'ne', 'zo', 'pa', 'di', 'ru']
const brands = syllables.flatMap((a) => syllables.map((b) => a + b + 'n')).slice(0, 120)
const colours = ['black', 'white', 'red', 'blue', 'green', 'olive', 'navy', 'grey', 'sand', 'orange', 'purple', 'pink', 'cream', 'teal', 'rust', 'gold']
const materials = ['wool', 'cotton', 'linen', 'leather', 'denim', 'fleece', 'canvas', 'silk', 'suede', 'nylon']
const garments = ['hoodie', 'jacket', 'sneaker', 'tee', 'cap', 'scarf', 'poster', 'vinyl', 'tote', 'beanie', 'parka', 'boot', 'sock', 'shirt', 'print', 'mug', 'zine', 'patch', 'belt', 'glove']
const fillers = ['limited', 'edition', 'tour', 'signed', 'handmade', 'numbered', 'vintage', 'classic', 'oversized', 'heavyweight', 'organic', 'recycled', 'exclusive', 'collab', 'release', 'studio', 'archive', 'sample']

async function seed(sql: postgres.Sql) {
  const [{ n }] = await sql`select count(*)::int as n from products`
  if (n >= 100_000 && !process.env.BENCH_RESEED) return console.error(`[bench] using the seeded catalog (${n} products)`)
  const t0 = performance.now()
  await sql`truncate users, creators, products, drops cascade`
  await sql`
    insert into users (id, username, email, password_hash)
    select gen_random_uuid(), 'bench_' || i, 'bench_' || i || '@bench.test', 'x' from generate_series(1, 2000) i`
  await sql`
    with v as (select ${sql.array(brands)}::text[] as b),
    u as (select id, (row_number() over (order by username))::int as rn from users where username like 'bench\\_%')
    insert into creators (id, user_id, handle, display_name)
    select gen_random_uuid(), u.id, v.b[1 + (u.rn - 1) % 120] || '-' || u.rn, initcap(v.b[1 + (u.rn * 7) % 120]) || ' Studio'
    from u, v`
  // Titles: brand, colour, material, garment (+ a filler); descriptions: a few sentences of the same vocabulary.
  await sql`
    with c as (select array_agg(id) as ids from creators),
    v as (select ${sql.array(brands)}::text[] as b, ${sql.array(colours)}::text[] as co, ${sql.array(materials)}::text[] as m,
                 ${sql.array(garments)}::text[] as g, ${sql.array(fillers)}::text[] as f)
    insert into products (id, creator_id, title, description, price_cents, currency)
    select gen_random_uuid(), c.ids[1 + (i * 7919) % array_length(c.ids, 1)],
      initcap(v.b[1 + (i * 31) % 120]) || ' ' || v.co[1 + (i * 17) % 16] || ' ' || v.m[1 + (i * 13) % 10] || ' ' || v.g[1 + (i * 7) % 20]
        || case when i % 3 = 0 then ' ' || v.f[1 + (i * 11) % 18] else '' end,
      'A ' || v.f[1 + (i * 5) % 18] || ' ' || v.g[1 + (i * 3) % 20] || ' in ' || v.co[1 + (i * 23) % 16] || ' ' || v.m[1 + (i * 19) % 10]
        || '. ' || initcap(v.f[1 + (i * 29) % 18]) || ' run of the ' || v.b[1 + (i * 37) % 120] || ' ' || v.f[1 + (i * 41) % 18]
        || ' collection; ships in a ' || v.m[1 + (i * 43) % 10] || ' ' || v.g[1 + (i * 47) % 20] || ' bag. Care: cold wash, dry flat.',
      500 + (i * 97) % 20000, 'EUR'
    from generate_series(1, 100000) i, c, v`
  await sql`
    with p as (select id, creator_id, price_cents, currency, row_number() over (order by id) as rn from products)
    insert into drops (id, product_id, creator_id, status, starts_at, ends_at, initial_stock, available_stock, unit_price_cents, currency)
    select gen_random_uuid(), p.id, p.creator_id, (array['scheduled', 'live', 'ended', 'cancelled'])[1 + p.rn % 4],
      now() + ((p.rn % 400) - 200) * interval '1 hour', null, 100, 100, p.price_cents, p.currency
    from p where p.rn % 5 = 0`
  await sql`vacuum analyze users, creators, products, drops`
  const [counts] = await sql`select (select count(*) from products)::int as products, (select count(*) from drops)::int as drops, (select count(*) from creators)::int as creators`
  console.error(`[bench] seeded ${counts.products} products, ${counts.drops} drops, ${counts.creators} creators in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

/** What a storefront search box sends: 120 distinct requests, cycled. */
function typicalQueries(): string[] {
  const qs: string[] = []
  for (let i = 0; i < 120; i++) {
    const g = garments[i % 20]
    const c = colours[(i * 3) % 16]
    const m = materials[(i * 7) % 10]
    const b = brands[(i * 11) % 120]
    const kind = i % 10
    const q =
      kind === 0 ? g
      : kind === 1 ? `${c} ${g}`
      : kind === 2 ? `${m} ${g.slice(0, 3)}` // typing
      : kind === 3 ? `"${c} ${m}"`
      : kind === 4 ? `${g} -${c}`
      : kind === 5 ? b
      : kind === 6 ? `${b.slice(0, 2)}x${b.slice(3)}` // a typo in a brand word
      : kind === 7 ? `${b} ${g}`
      : kind === 8 ? `${fillers[i % 18]} ${g}`
      : `${c} ${m} ${g}`
    const filters = i % 4 === 0 ? '&type=drop&status=live' : i % 4 === 1 ? '&type=product&priceMax=5000' : i % 4 === 2 ? '' : '&type=creator'
    qs.push(`/v1/search?q=${encodeURIComponent(q)}${kind === 6 ? '&type=creator' : filters}`)
  }
  return qs
}

async function measureSearch(name: string, paths: string[], limitRate: boolean): Promise<Row> {
  const requests = paths.map((path) => ({ method: 'GET' as const, path }))
  // Warm-up, not measured: every query answered once (a storefront's typical queries are in the cache, when
  // there is one); measure() then warms JIT and pools at the measured rate.
  const queue = [...paths]
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let path = queue.shift(); path; path = queue.shift()) await fetch(base + path).then((r) => r.arrayBuffer())
  }))
  return measure(name, { url: base, connections, requests, duration, ...(limitRate ? { overallRate: rate } : {}) })
}

const paths = typicalQueries()
let server = await startServer({}) // migrates the bench database
const admin = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} })
await seed(admin)
await stop(server)

// EXPLAIN of the statement the server runs: captured from the server's own code through postgres.js's debug hook.
const captured: Array<{ query: string; params: unknown[] }> = []
const probe = postgres(dbUrl.toString(), {
  max: 1, transform: postgres.camel, onnotice: () => {},
  debug: (_c, query, params) => void captured.push({ query, params: params as unknown[] }),
})
const { search } = await import('../server/src/search/service')
for (const [label, input] of [
  ['two words, all kinds', { q: 'black hoodie', limit: 20 }],
  ['a word being typed, drops live', { q: 'wool jack', type: 'drop', status: 'live', limit: 20 }],
  ['a typo in a handle', { q: 'kalxn', type: 'creator', limit: 20 }],
] as const) {
  captured.length = 0
  await search({ sql: probe }, input as Parameters<typeof search>[1])
  const { query, params } = captured[captured.length - 1]
  const plan = await probe.unsafe(`explain (analyze, buffers, costs off) ${query}`, params as never[])
  console.log(`\nEXPLAIN ${label}: ${JSON.stringify(input)}`)
  for (const row of plan) console.log('  ' + Object.values(row)[0])
}
await probe.end()
await admin.end()

const results: Row[] = []
server = await startServer({})
results.push(await measureSearch(`cached @${rate}/s`, paths, true))
results.push(await measureSearch('cached max', paths, false))
await stop(server)
server = await startServer({ CACHE_ENABLED: 'false' })
results.push(await measureSearch(`uncached @${rate}/s`, paths, true))
results.push(await measureSearch('uncached max', paths, false))
const body = await (await fetch(base + paths[2])).text()
await stop(server)
const ceiling = new Elysia().get('/v1/search', () => new Response(body, { headers: { 'content-type': 'application/json' } })).listen({ port, hostname: '127.0.0.1' })
results.push(await measureSearch(`ceiling @${rate}/s`, paths, true))
results.push(await measureSearch('ceiling max', paths, false))
await ceiling.stop(true)

const by = (name: string) => results.find((r) => r.name === name)!
console.log(`\nGET /v1/search — ${paths.length} typical queries cycled, ${connections} connections, ${duration} s per run, ${navigator.hardwareConcurrency} CPUs, Bun ${Bun.version}`)
console.log('| run | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.non2xx} | ${r.errors} |`)
const [c, u, x] = [by('cached max'), by('uncached max'), by('ceiling max')]
console.log(`\ncached / ceiling = ${(c.rps / x.rps).toFixed(2)}   uncached / ceiling = ${(u.rps / x.rps).toFixed(2)}   (target: p95 ≤ 20 ms at ${rate} req/s)`)
process.exit(0)
