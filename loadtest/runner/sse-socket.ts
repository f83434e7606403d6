/**
 * The one raw-socket Server-Sent Events reader, for whoever holds thousands of streams at once: the runner's
 * `sse` scenario, the SSE benchmark (scripts/bench-sse.ts) and the server's fan-out tests (server/test/sse-socket.ts).
 * fetch() would cap concurrent connections per process and cost far more per stream; a socket costs a few kB.
 *
 * Only HTTP/1.1 framing (status line, headers, chunked transfer coding) is done here. The SSE grammar is
 * eventsource-parser's, as in the SDK's own reader, so every client of the stream reads it the same way.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { connect, type Socket } from 'node:net'

export interface SseHead {
  status: number
  /** lower-cased header names */
  headers: Record<string, string>
}

/** → feed(bytes): decodes one HTTP/1.1 response (chunked or not) into its head, then its SSE events. */
export function httpSseDecoder(on: { head(h: SseHead): void; event(m: EventSourceMessage): void }): (chunk: Buffer) => void {
  let head = ''
  let headDone = false
  let chunked = false
  let raw = Buffer.alloc(0)
  let chunkLeft = 0
  const sse = createParser({ onEvent: on.event })
  // A stream of bytes in, text out: a UTF-8 sequence split between two chunks must not be mangled.
  const text = new TextDecoder()
  const feedText = (b: Buffer) => sse.feed(text.decode(b, { stream: true }))

  return (chunk: Buffer) => {
    if (!headDone) {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      const lines = head.slice(0, end).split('\r\n')
      const headers: Record<string, string> = {}
      for (const l of lines.slice(1)) {
        const colon = l.indexOf(':')
        if (colon > 0) headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim()
      }
      chunked = /chunked/i.test(headers['transfer-encoding'] ?? '')
      headDone = true
      on.head({ status: Number(lines[0]!.split(' ')[1]), headers })
      chunk = Buffer.from(head.slice(end + 4), 'latin1')
    }
    if (!chunked) return feedText(chunk)
    raw = Buffer.concat([raw, chunk])
    for (;;) {
      if (chunkLeft > 0) {
        if (raw.length === 0) return
        const take = Math.min(chunkLeft, raw.length)
        feedText(raw.subarray(0, take))
        raw = raw.subarray(take)
        chunkLeft -= take
        if (chunkLeft > 0) return
        continue
      }
      // chunk header (after the previous chunk's CRLF)
      const nl = raw.indexOf('\r\n')
      if (nl === -1) return
      const line = raw.subarray(0, nl).toString('latin1')
      raw = raw.subarray(nl + 2)
      if (line === '') continue
      chunkLeft = parseInt(line, 16)
      if (chunkLeft === 0) return
    }
  }
}

export interface SseSocketHandlers {
  /** the response's status line and headers arrived */
  head?(h: SseHead): void
  event(m: EventSourceMessage): void
  /** connection failed or closed (null: closed normally) */
  end?(error: Error | null): void
}

/** `GET path` with `Accept: text/event-stream` on a socket of its own. */
export function openSseSocket(baseUrl: string, path: string, headers: Record<string, string>, on: SseSocketHandlers): Socket {
  const url = new URL(baseUrl)
  const socket = connect(Number(url.port || 80), url.hostname)
  const feed = httpSseDecoder({ head: (h) => on.head?.(h), event: on.event })
  socket.setNoDelay(true)
  socket.on('connect', () => {
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${url.host}`, 'Accept: text/event-stream', 'Cache-Control: no-cache', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
    socket.write(lines.join('\r\n') + '\r\n\r\n')
  })
  socket.on('data', (c: Buffer) => feed(c))
  let ended = false
  const end = (err: Error | null) => {
    if (!ended) {
      ended = true
      on.end?.(err)
    }
  }
  socket.on('error', (e) => end(e))
  socket.on('close', () => end(null))
  return socket
}
