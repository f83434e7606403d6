import { afterEach, describe, expect, test } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * `npm run check:deps` (CI runs it after the tests) refuses a change that breaks an import rule. Each case writes
 * one deliberate violation into the tree, runs the check as CI does, and removes the file again.
 */
const root = join(import.meta.dir, '..')
const written: string[] = []

function violate(path: string, source: string) {
  writeFileSync(join(root, path), source)
  written.push(join(root, path))
}

async function checkDeps(): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([process.execPath, join(root, 'scripts/check-deps.ts')], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited])
  return { code, stderr }
}

afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true })
})

describe('the import rules fail on a deliberate violation', () => {
  test('the tree as committed passes', async () => {
    const r = await checkDeps()
    expect(r.stderr).toContain('import rules hold')
    expect(r.code).toBe(0)
  }, 60_000)

  test("lib/ naming a feature, and a feature reading another feature's repo", async () => {
    violate('server/src/lib/zz-rule-violation.ts', "export { findOrder } from '../orders/repo'\n")
    violate('server/src/drops/zz-rule-violation.ts', "export { findOrder } from '../orders/repo'\n")
    const r = await checkDeps()
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('lib-names-no-feature: server/src/lib/zz-rule-violation.ts → server/src/orders/repo.ts')
    expect(r.stderr).toContain('feature-repo-is-private: server/src/drops/zz-rule-violation.ts → server/src/orders/repo.ts')
  }, 60_000)

  test('a cycle between server folders (creators → auth → users → creators)', async () => {
    violate('server/src/creators/zz-rule-violation.ts', "export { login } from '../auth/service'\n")
    const r = await checkDeps()
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/folder cycle: .*auth/)
    expect(r.stderr).toContain('server/src/creators/zz-rule-violation.ts → server/src/auth/service.ts')
  }, 60_000)

  test('a client importing server source instead of the SDK', async () => {
    violate('cli/src/zz-rule-violation.ts', "export { toDrop } from '../../server/src/drops/service'\n")
    const r = await checkDeps()
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('clients-speak-through-the-sdk: cli/src/zz-rule-violation.ts → server/src/drops/service.ts')
  }, 60_000)
})
