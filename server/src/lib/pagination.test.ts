import { afterAll, describe, expect, test } from 'bun:test'
import { createTestContext, registerCreator } from '../../test/helpers'
import { decodeCursor, encodeCursor } from './pagination'

const ctx = createTestContext()
const { api } = ctx
afterAll(() => ctx.close())

const forged = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url')
const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

// Found by the fuzz test: a forged cursor whose time JavaScript reads but PostgreSQL refuses (year 0000,
// 30 February: 22008) reached the query — a 500.
describe('cursors', () => {
  test('a time cursor must be exactly what the server wrote', () => {
    const t = new Date('2026-03-01T10:00:00.123Z').toISOString()
    expect(decodeCursor(encodeCursor([t, ID]), ['time', 'uuid'])).toEqual([t, ID])
    for (const time of ['0000-01-01T00:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123+00:00', '2026-03-01T10:00:00.123Z junk']) {
      expect(() => decodeCursor(forged([time, ID]), ['time', 'uuid'])).toThrow('cursor')
    }
  })

  test('forged time cursors on every list that takes one are a 400 INVALID_CURSOR', async () => {
    const c = await registerCreator(api)
    for (const time of ['0000-01-01T00:00:00.000Z', '2026-02-30T00:00:00.000Z']) {
      const cursor = forged([time, ID])
      for (const path of [`/v1/creators/${c.creator.id}/followers`, `/v1/users/${c.user.id}/following`, '/v1/drops?status=scheduled']) {
        const res = await api('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`)
        expect([path, time, res.status, res.body.code]).toEqual([path, time, 400, 'INVALID_CURSOR'])
      }
    }
  })
})
