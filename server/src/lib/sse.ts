/**
 * A Server-Sent Events response whose writer can be handed to anything that produces events. Frames are
 * pre-encoded bytes so that one event fanned out to 10,000 streams is encoded once. Closing is idempotent and
 * happens whichever side goes first: the client disconnecting (the body is cancelled, the request aborts),
 * the server closing it (shutdown, a slow consumer), or a write failing.
 */
const encoder = new TextEncoder()
const PING = encoder.encode(': ping\n\n')

export interface SseWriter {
  readonly closed: boolean
  /** → false when the stream is closed (the frame is dropped). */
  write(frame: Uint8Array): boolean
  ping(): void
  close(): void
}

/**
 * One SSE frame. `data` is JSON and never contains a raw newline, so a single `data:` line is enough. A null id
 * writes no `id:` line, so the client's Last-Event-ID stays what it was.
 */
export function encodeFrame(id: string | number | null, event: string, data: unknown): Uint8Array {
  return encoder.encode(`${id === null ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
}

/** A `retry:` hint alone: how long the client waits before it reconnects after this stream ends. */
export function encodeRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(ms)}\n\n`)
}

export interface SseOptions {
  /** The `retry:` hint sent first: how long a disconnected client waits before reconnecting. */
  retryMs: number
  /** Bytes a client may fall behind by before the server gives up on it (it reconnects with Last-Event-ID). */
  maxBufferedBytes: number
  signal?: AbortSignal
  onClose(): void
  headers?: Record<string, string>
}

export function createSseResponse(opts: SseOptions): { response: Response; writer: SseWriter } {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null
  let closed = false
  const finish = () => {
    if (closed) return
    closed = true
    opts.signal?.removeEventListener('abort', finish)
    try {
      controller?.close()
    } catch {
      // already closed or errored by the runtime
    }
    controller = null
    opts.onClose()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
        c.enqueue(encodeRetry(opts.retryMs))
      },
      cancel: finish,
    },
    // Byte-counting queue, so that desiredSize says how far behind the client is.
    { highWaterMark: 64 * 1024, size: (chunk) => chunk?.byteLength ?? 0 },
  )
  opts.signal?.addEventListener('abort', finish, { once: true })
  // A request aborted before its stream was made fires no 'abort' event any more.
  if (opts.signal?.aborted) finish()
  const writer: SseWriter = {
    get closed() {
      return closed
    },
    write(frame) {
      if (closed || !controller) return false
      // A client that does not read lets the queue grow without bound; cut it off instead (it resumes later).
      if ((controller.desiredSize ?? 0) < -opts.maxBufferedBytes) {
        finish()
        return false
      }
      try {
        controller.enqueue(frame)
        return true
      } catch {
        finish()
        return false
      }
    },
    ping() {
      writer.write(PING)
    },
    close: finish,
  }
  const response = new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
      ...opts.headers,
    },
  })
  return { response, writer }
}
