import { describe, expect, test } from 'bun:test'
import { startBanner } from './banner'

const demo = { email: 'demo@livedrop.local', password: 'livedrop-demo', dropId: 'd1', dropStatus: 'scheduled', dropStartsAt: '2026-12-02T10:02:00.000Z' }
const base = { postgres: 'embedded', embedded: true, redis: 'in-process', demo, now: Date.parse('2026-12-02T10:00:00.000Z') }

describe('start banner', () => {
  test('links the storefront and the demo drop page, and says when the drop goes live', () => {
    const text = startBanner({ ...base, url: 'http://localhost:3000', port: 3000 })
    expect(text).toContain('Storefront     http://localhost:3000/\n')
    expect(text).toContain(`Demo drop      http://localhost:3000/drops/d1  goes live at ${new Date(demo.dropStartsAt).toTimeString().slice(0, 8)} (in 2 min)`)
    expect(text).not.toContain('LIVEDROP_API_URL')
    expect(startBanner({ ...base, url: 'http://localhost:3000', port: 3000, demo: { ...demo, dropStatus: 'live' } })).toContain('/drops/d1  live now')
  })

  test('on another port it tells how to point the CLI and the SDK there', () => {
    const text = startBanner({ ...base, url: 'http://localhost:3600', port: 3600 })
    expect(text).toContain('LIVEDROP_API_URL=http://localhost:3600 npx livedrop login')
    expect(text).toContain("createLiveDrop({ baseUrl: 'http://localhost:3600' })")
  })
})
