import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { startServer, type ServerProcess } from '../../test/processes'
import { createLogger } from '../logger'
import { testConfig } from '../../test/helpers'
import { lastResort, MAX_BODY_BYTES } from './http'

// What a real server (bun server/src/main.ts) answers to traffic that Bun's HTTP layer sees before the app:
// oversized bodies must be the app's problem+json, and what only Bun can answer is pinned here so that the
// README's list of it stays true.

interface Raw {
  status: number
  headers: Record<string, string>
  body: string
  /** the server closed the connection */
  closed: boolean
}

/**
 * Sends `head`, then `body` in chunks as the socket drains, the way an HTTP client streams an upload: it
 * stops once an answer starts arriving or the server hangs up (a client that kept blasting bytes at a
 * closed connection would get a TCP reset that can swallow the answer).
 */
function raw(port: number, head: string, body: Array<string | Uint8Array> = [], waitMs = 3000): Promise<Raw> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    let out = Buffer.alloc(0)
    let closed = false
    const done = () => {
      const text = out.toString('latin1')
      const [top = '', ...rest] = text.split('\r\n\r\n')
      const [line = '', ...lines] = top.split('\r\n')
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      resolve({ status: Number(line.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), closed })
    }
    const timer = setTimeout(() => {
      s.destroy()
      done()
    }, waitMs)
    let settled = false
    s.on('data', (d: Buffer) => {
      out = Buffer.concat([out, d])
      // A whole answer (head + Content-Length bytes) is in: wait a moment to see whether the server hangs up.
      const end = out.indexOf('\r\n\r\n')
      const length = /content-length: *(\d+)/i.exec(out.subarray(0, Math.max(0, end)).toString('latin1'))?.[1]
      if (!settled && end !== -1 && out.length >= end + 4 + Number(length ?? 0)) {
        settled = true
        setTimeout(() => {
          clearTimeout(timer)
          s.destroy()
          done()
        }, 100)
      }
    })
    s.on('error', () => {})
    // After our own destroy() the answer has already been resolved; only a close by the server counts.
    s.on('close', () => {
      closed = true
      clearTimeout(timer)
      done()
    })
    s.write(head)
    let i = 0
    const pump = () => {
      while (i < body.length && !closed && !s.destroyed && out.length === 0) if (!s.write(body[i++])) return void s.once('drain', pump)
    }
    pump()
  })
}

const isProblem = (r: Raw, status: number, code: string) => {
  expect([r.status, r.headers['content-type']]).toEqual([status, 'application/problem+json'])
  expect(JSON.parse(r.body)).toMatchObject({ status, code })
}

describe('answers before the app runs (real server)', () => {
  let server: ServerProcess
  let host: string
  beforeAll(async () => {
    server = await startServer(3561)
    host = `127.0.0.1:${server.port}`
  })
  afterAll(() => server.stop())

  test('a Content-Length over 64 KiB, even far over Bun\'s old 256 KiB cap, is the app\'s 413 problem', async () => {
    for (const length of [MAX_BODY_BYTES + 1, 300_000]) {
      const r = await raw(server.port, `POST /v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`, ['x'.repeat(length)])
      isProblem(r, 413, 'PAYLOAD_TOO_LARGE')
      // Small enough to drain: the connection stays usable.
      expect(r.closed).toBe(false)
    }
    // A GiB announced: answered from the header alone, and the connection is closed rather than drained.
    const t0 = performance.now()
    const huge = await raw(server.port, `POST /v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${2 ** 30}\r\n\r\n`)
    isProblem(huge, 413, 'PAYLOAD_TOO_LARGE')
    expect([huge.headers.connection, huge.closed]).toEqual(['close', true])
    expect(performance.now() - t0).toBeLessThan(2000)
  })

  test('a chunked body past 64 KiB is the app\'s 413 problem; past 1 MiB the connection is cut', async () => {
    const chunk = (n: number) => `${n.toString(16)}\r\n${'a'.repeat(n)}\r\n`
    for (const chunks of [2, 5]) {
      const r = await raw(server.port, `POST /v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, [...Array.from({ length: chunks }, () => chunk(65_000)), '0\r\n\r\n'])
      isProblem(r, 413, 'PAYLOAD_TOO_LARGE')
    }
    // 64 MiB offered: the server stops reading after 1 MiB and hangs up (the client may see the 413 or, having
    // kept sending, a reset) — either way it does not take the whole body, and it keeps serving.
    const t0 = performance.now()
    const cut = await raw(server.port, `POST /v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, Array.from({ length: 1024 }, () => chunk(65_536)))
    expect(cut.closed).toBe(true)
    if (cut.status) isProblem(cut, 413, 'PAYLOAD_TOO_LARGE')
    expect(performance.now() - t0).toBeLessThan(2500)
    // Under the cap the same way of sending works.
    const ok = await raw(server.port, `POST /v1/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, [`5\r\n{"ema\r\n`, '0\r\n\r\n'])
    isProblem(ok, 400, 'MALFORMED_JSON')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  test('a GET carrying an oversized body is refused too, before any handler', async () => {
    const r = await raw(server.port, `GET /v1/drops HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 100000\r\n\r\n`, ['x'.repeat(100_000)])
    isProblem(r, 413, 'PAYLOAD_TOO_LARGE')
  })

  test('what only Bun answers (documented in README): 431, 400 and 505 in plain text, connection closed', async () => {
    const header = await raw(server.port, `GET /v1/drops HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`)
    expect([header.status, header.body, header.closed]).toEqual([431, '', true])
    const line = await raw(server.port, 'GARBAGE\r\n\r\n')
    expect([line.status, line.body, line.closed]).toEqual([400, '', true])
    const version = await raw(server.port, `GET /v1/drops HTTP/9.9\r\nHost: ${host}\r\n\r\n`)
    expect([version.status, version.closed]).toEqual([505, true])
    // The server is unharmed.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})

describe('Bun.serve error handler', () => {
  test('an exception that escapes the app is a problem+json 500 with a request id, and no internals', async () => {
    const res = lastResort(createLogger(testConfig()))(new Error('secret internals: password=hunter2'))
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = await res.json()
    expect(body.code).toBe('INTERNAL')
    expect(body.requestId).toBe(res.headers.get('x-request-id')!)
    expect(JSON.stringify(body)).not.toContain('hunter2')
  })
})
