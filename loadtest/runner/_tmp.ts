import { runLoad, summarize } from './engine'
const start = Date.now()
const server = Bun.serve({ port: 3548, async fetch(req) { const t = Date.now() - start; if (t > 2000 && t < 2500) await Bun.sleep(2500 - t); return new Response('{"ok":true}') } })
const r = await runLoad({ baseUrl: 'http://127.0.0.1:3548', rate: 500, durationSec: 5, expected: [200], next: (j) => ({ method: 'GET', path: `/x/${j}`, name: 'x' }) })
console.log(r.sent, r.completed, r.failed, r.late, r.statusCounts, r.errors, summarize(r.hist), r.wallSec, r.connections)
server.stop(true)
