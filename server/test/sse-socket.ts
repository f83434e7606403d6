/**
 * A minimal SSE client over a raw TCP socket (HTTP/1.1, chunked), for tests and benchmarks that hold
 * thousands of streams: fetch() caps concurrent connections per process, a socket per stream does not.
 */
export interface RawSse {
  /** Resolves with the first event of this type and the time it arrived (performance.now()). */
  waitFor(event: string, timeoutMs?: number): Promise<{ id: string; data: any; at: number; wall: number }>
  readonly status: number
  close(): void
}

export function openRawSse(port: number, path: string, headers: Record<string, string> = {}): Promise<RawSse> {
  return new Promise((resolveOpen, rejectOpen) => {
    let head = ''
    let status = 0
    let body = ''
    let text = ''
    const seen: Array<{ event: string; id: string; data: any; at: number; wall: number }> = []
    const waiters: Array<{ event: string; resolve: (e: { id: string; data: any; at: number; wall: number }) => void }> = []
    let opened = false
    const decoder = new TextDecoder()
    const parseFrames = () => {
      let i: number
      while ((i = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, i)
        text = text.slice(i + 2)
        let event = 'message'
        let id = ''
        let data: any
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7)
          else if (line.startsWith('id: ')) id = line.slice(4)
          else if (line.startsWith('data: ')) data = JSON.parse(line.slice(6))
        }
        if (data === undefined) continue
        const e = { event, id, data, at: performance.now(), wall: Date.now() }
        const w = waiters.findIndex((x) => x.event === event)
        if (w >= 0) waiters.splice(w, 1)[0].resolve(e)
        else seen.push(e)
      }
    }
    // Chunked transfer decoding: `<hex size>\r\n<bytes>\r\n` repeated.
    const parseChunks = () => {
      for (;;) {
        const nl = body.indexOf('\r\n')
        if (nl < 0) return
        const size = parseInt(body.slice(0, nl), 16)
        if (Number.isNaN(size) || body.length < nl + 2 + size + 2) return
        text += body.slice(nl + 2, nl + 2 + size)
        body = body.slice(nl + 2 + size + 2)
      }
    }
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(socket) {
          const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Accept: text/event-stream', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
          socket.write(lines.join('\r\n') + '\r\n\r\n')
        },
        data(socket, chunk) {
          const s = decoder.decode(chunk, { stream: true })
          if (!opened) {
            head += s
            const end = head.indexOf('\r\n\r\n')
            if (end < 0) return
            status = Number(head.slice(9, 12))
            body = head.slice(end + 4)
            opened = true
            resolveOpen({
              get status() {
                return status
              },
              waitFor(event, timeoutMs = 10_000) {
                const i = seen.findIndex((e) => e.event === event)
                if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0])
                return new Promise((resolve, reject) => {
                  const t = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
                  waiters.push({ event, resolve: (e) => { clearTimeout(t); resolve(e) } })
                })
              },
              close: () => socket.end(),
            })
          } else {
            body += s
          }
          parseChunks()
          parseFrames()
        },
        error(_socket, err) {
          if (!opened) rejectOpen(err)
        },
        connectError(_socket, err) {
          rejectOpen(err)
        },
      },
    }).catch(rejectOpen)
  })
}
