import { afterAll, describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { createTestContext } from '../../test/helpers'
import { checkRoutes } from './routes-check'
import { specOperations } from './spec'
import { validateResponse } from './validate'

const ctx = createTestContext()
afterAll(() => ctx.close())

describe('contract', () => {
  test('the server serves exactly the operations openapi.yaml documents', () => {
    expect(checkRoutes(ctx.app.routes)).toEqual({ undocumented: [], unserved: [] })
  })

  test('the check fails on a deliberately undocumented route', () => {
    const app = ctx.app.use(new Elysia().get('/v1/secret-admin', () => 'x'))
    expect(checkRoutes(app.routes).undocumented).toEqual(['GET /v1/secret-admin'])
  })

  test('the check fails on a documented operation nobody serves', () => {
    const result = checkRoutes(ctx.app.routes, [...specOperations(), 'DELETE /v1/products/{productId}'])
    expect(result.unserved).toEqual(['DELETE /v1/products/{productId}'])
  })

  test('response validation catches a body, status or content type the spec does not allow', () => {
    expect(validateResponse('GET', '/healthz', 200, 'application/json', { status: 'ok' })).toEqual([])
    expect(validateResponse('GET', '/healthz', 200, 'application/json', { status: 'fine' }).length).toBeGreaterThan(0)
    expect(validateResponse('GET', '/healthz', 418, 'application/json', {})[0]).toContain('not documented')
    expect(validateResponse('GET', '/healthz', 200, 'text/plain', 'ok')[0]).toContain('content type')
    const user = { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', username: 'x', createdAt: 'yesterday' }
    expect(validateResponse('GET', `/v1/users/${user.id}`, 200, 'application/json', user).join()).toContain('date-time')
  })

  test('generated code is fresh (gen-contract --check)', () => {
    const res = Bun.spawnSync([process.execPath, 'scripts/gen-contract.ts', '--check'], { cwd: `${import.meta.dir}/../../..` })
    expect(res.stderr.toString()).toContain('up to date')
    expect(res.exitCode).toBe(0)
  })
})
