import { describe, expect, test } from 'bun:test'
import { AppError } from '../errors'
import { checkWebhookUrl, forbiddenRange, guardedLookup, type Resolve } from './ssrf'
import { sendWebhook } from './send'

/** Every check here runs without dialling: hosts resolve through a fake resolver, addresses are classified offline. */
const strict = { allowHttpLoopback: false }
const dev = { allowHttpLoopback: true }

const FORBIDDEN: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['::1', 'loopback'],
  ['10.0.0.1', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'], ['fe80::1', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'], ['100.127.255.254', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
  ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'], ['192.0.2.1', 'reserved'], ['198.18.0.1', 'reserved'], ['2001:db8::1', 'reserved'],
  ['fc00::1', 'uniqueLocal'], ['fd12:3456::1', 'uniqueLocal'],
  ['::ffff:127.0.0.1', 'ipv4Mapped'], ['::ffff:10.0.0.1', 'ipv4Mapped'], ['::ffff:169.254.169.254', 'ipv4Mapped'],
  ['::ffff:100.64.0.1', 'ipv4Mapped'], ['::ffff:0.0.0.0', 'ipv4Mapped'], ['::ffff:8.8.8.8', 'ipv4Mapped'],
  ['64:ff9b::7f00:1', 'rfc6052'], ['2002:7f00:1::', '6to4'], ['2001::1', 'teredo'], ['100::1', 'discard'],
]
const ALLOWED = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e']

describe('address classification (ipaddr.js): only public unicast passes', () => {
  for (const [address, range] of FORBIDDEN) {
    test(`${address} → ${range}`, () => {
      expect(forbiddenRange(address, strict)).toBe(range)
    })
  }
  test('public unicast addresses pass', () => {
    for (const a of ALLOWED) expect({ a, range: forbiddenRange(a, strict) }).toEqual({ a, range: null })
  })
  test('the dev setting lets loopback (and nothing else) through', () => {
    expect(forbiddenRange('127.0.0.1', dev)).toBeNull()
    expect(forbiddenRange('::1', dev)).toBeNull()
    for (const [a, range] of FORBIDDEN.filter(([, r]) => r !== 'loopback')) expect(forbiddenRange(a, dev)).toBe(range)
  })
})

async function refusal(url: string, resolve: Resolve = async () => ['93.184.216.34'], policy = strict) {
  try {
    await checkWebhookUrl(url, policy, resolve)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { status: err.status, code: err.code as string, range: err.options.extra?.addressRange ?? null }
  }
  return null
}

describe('webhook URLs', () => {
  test('an https URL resolving to public addresses is accepted', async () => {
    expect(await refusal('https://hooks.example.com/livedrop')).toBeNull()
    expect(await refusal('https://[2606:4700:4700::1111]/x')).toBeNull()
  })

  test('malformed, credentialed, fragment and non-http(s) URLs: WEBHOOK_URL_INVALID', async () => {
    for (const url of ['not a url', '/relative', 'ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com', 'https://user:pw@example.com/', 'https://example.com/#frag']) {
      expect({ url, r: await refusal(url) }).toEqual({ url, r: { status: 422, code: 'WEBHOOK_URL_INVALID', range: null } })
    }
  })

  test('http: WEBHOOK_URL_NOT_HTTPS, and with the dev setting still refused unless it stays on loopback', async () => {
    expect(await refusal('http://example.com/')).toEqual({ status: 422, code: 'WEBHOOK_URL_NOT_HTTPS', range: null })
    expect(await refusal('http://example.com/', async () => ['93.184.216.34'], dev)).toEqual({ status: 422, code: 'WEBHOOK_URL_NOT_HTTPS', range: null })
    expect(await refusal('http://localhost:8080/hook', async () => ['127.0.0.1'], dev)).toBeNull()
    expect(await refusal('http://127.0.0.1:8080/hook', undefined, dev)).toBeNull()
  })

  test('a name that does not resolve: WEBHOOK_URL_UNRESOLVABLE', async () => {
    expect(await refusal('https://nowhere.invalid/', async () => { throw new Error('ENOTFOUND') })).toEqual({ status: 422, code: 'WEBHOOK_URL_UNRESOLVABLE', range: null })
    expect(await refusal('https://empty.example/', async () => [])).toEqual({ status: 422, code: 'WEBHOOK_URL_UNRESOLVABLE', range: null })
  })

  test('every forbidden address, as a literal and behind a name: WEBHOOK_URL_FORBIDDEN_ADDRESS naming the range', async () => {
    for (const [address, range] of FORBIDDEN) {
      const literal = address.includes(':') ? `https://[${address}]/` : `https://${address}/`
      const want = { status: 422, code: 'WEBHOOK_URL_FORBIDDEN_ADDRESS', range }
      expect({ literal, r: await refusal(literal, async () => { throw new Error('a literal is never resolved') }) }).toEqual({ literal, r: want })
      expect({ address, r: await refusal('https://rebind.example/', async () => [address]) }).toEqual({ address, r: want })
    }
  })

  test('one forbidden address among public ones is enough to refuse', async () => {
    expect(await refusal('https://mixed.example/', async () => ['93.184.216.34', '10.0.0.5'])).toEqual({ status: 422, code: 'WEBHOOK_URL_FORBIDDEN_ADDRESS', range: 'private' })
  })

  test('numeric spellings of loopback are normalised by the URL parser and refused', async () => {
    for (const url of ['https://0x7f.1/', 'https://2130706433/', 'https://0177.0.0.1/', 'https://127.1/', 'https://[::ffff:7f00:1]/', 'https://[0:0:0:0:0:0:0:1]/']) {
      const r = await refusal(url, async () => { throw new Error('a literal is never resolved') })
      expect({ url, code: r?.code }).toEqual({ url, code: 'WEBHOOK_URL_FORBIDDEN_ADDRESS' })
    }
  })
})

describe('the connect-time lookup (DNS rebinding: vetted when the socket dials)', () => {
  const lookup = (addresses: string[]) =>
    new Promise<{ err: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
      guardedLookup(strict, async () => addresses)('h.example', { all: true }, (err, result) => resolve({ err, result })))

  test('public answers are passed on for the socket to use', async () => {
    expect(await lookup(['93.184.216.34'])).toEqual({ err: null, result: [{ address: '93.184.216.34', family: 4 }] })
  })
  test('an answer that turned private fails the connection', async () => {
    const { err } = await lookup(['93.184.216.34', '169.254.169.254'])
    expect(err?.code).toBe('EFORBIDDEN_ADDRESS')
  })
})

describe('every delivery is vetted again (sendWebhook), whatever was accepted at registration', () => {
  const send = (url: string, policy = strict, resolve?: Resolve) => sendWebhook(url, '{}', {}, { timeoutMs: 2000, policy, resolve })

  test('a name that now resolves to a forbidden address is refused before any connection', async () => {
    const asked: string[] = []
    const rebound: Resolve = async (host) => {
      asked.push(host)
      return ['10.0.0.7']
    }
    expect(await send('https://hooks.example.com/x', strict, rebound)).toMatchObject({ statusCode: null, error: 'refused address 10.0.0.7 (private)' })
    expect(asked).toEqual(['hooks.example.com'])
    expect(await send('https://169.254.169.254/latest')).toMatchObject({ statusCode: null, error: 'refused address 169.254.169.254 (linkLocal)' })
    expect(await send('https://[::ffff:127.0.0.1]/')).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused address .* \(ipv4Mapped\)$/) })
  })

  test('http goes nowhere but loopback, even with the dev setting', async () => {
    expect((await send('http://hooks.example.com/x', strict, async () => ['93.184.216.34'])).error).toBe('refused: http')
    expect((await send('http://hooks.example.com/x', dev, async () => ['93.184.216.34'])).error).toBe('refused: http to a non-loopback address')
  })

  test('a redirect is not followed: the 3xx is the attempt\'s failed answer, and its target hears nothing', async () => {
    const hits: string[] = []
    const server: ReturnType<typeof Bun.serve> = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(req): Response {
        const path = new URL(req.url).pathname
        hits.push(path)
        return path === '/hook' ? new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${server.port}/elsewhere` } }) : new Response('ok')
      },
    })
    try {
      expect(await send(`http://127.0.0.1:${server.port}/hook`, dev)).toMatchObject({ statusCode: 302, error: 'HTTP 302' })
      expect(hits).toEqual(['/hook'])
    } finally {
      server.stop(true)
    }
  })
})
