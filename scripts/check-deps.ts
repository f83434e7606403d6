/**
 * `npm run check:deps`: the import rules of .dependency-cruiser.cjs (no cycles, features keep their repos,
 * lib/ and platform/ name no feature, the SDK stands alone, clients speak through the SDK), plus the one rule
 * dependency-cruiser cannot state: the server's folders form no cycle (auth → users → creators → auth was one),
 * so every room can be read from the ones below it.
 */
import { cruise, type ICruiseResult } from 'dependency-cruiser'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
process.chdir(root)
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'))
const result = await cruise(['server', 'sdk/src', 'cli/src', 'loadtest', 'scripts'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true }, undefined, {
  tsConfig: extractTSConfig(join(root, 'tsconfig.json')),
})
const out = result.output as ICruiseResult
let failed = 0
for (const v of out.summary.violations) {
  failed++
  console.error(`${v.rule.name}: ${v.from} → ${v.to}`)
}

/** Folder-level edges of server/src (tests aside: a test may reach across to set up its world). */
const folderOf = (p: string) => /^server\/src\/([^/]+)\//.exec(p)?.[1]
const edges = new Map<string, Map<string, string>>()
for (const m of out.modules) {
  const from = folderOf(m.source)
  if (!from || m.source.endsWith('.test.ts')) continue
  for (const d of m.dependencies) {
    const to = folderOf(d.resolved)
    if (!to || to === from) continue
    if (!edges.has(from)) edges.set(from, new Map())
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${m.source} → ${d.resolved}`)
  }
}
/** Tarjan's strongly connected components: any component of two or more folders is a cycle. */
const index = new Map<string, number>()
const low = new Map<string, number>()
const stack: string[] = []
const cycles: string[][] = []
const visit = (v: string) => {
  index.set(v, index.size)
  low.set(v, index.get(v)!)
  stack.push(v)
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      visit(w)
      low.set(v, Math.min(low.get(v)!, low.get(w)!))
    } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
  }
  if (low.get(v) === index.get(v)) {
    const comp: string[] = []
    let w: string
    do {
      w = stack.pop()!
      comp.push(w)
    } while (w !== v)
    if (comp.length > 1) cycles.push(comp)
  }
}
for (const v of edges.keys()) if (!index.has(v)) visit(v)
for (const c of cycles) {
  failed++
  console.error(`folder cycle: ${c.join(', ')}`)
  for (const a of c) for (const [b, why] of edges.get(a) ?? []) if (c.includes(b)) console.error(`  ${why}`)
}
if (failed) process.exit(1)
console.error(`import rules hold: ${out.summary.totalCruised} modules, ${out.summary.totalDependenciesCruised} imports, no folder cycle in server/src`)
