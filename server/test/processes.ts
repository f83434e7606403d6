/**
 * Real dependencies a test can start, stop and break on purpose: a private redis-server on its own port and a
 * TCP proxy in front of PostgreSQL. No mocks: the server under test talks to them over real sockets.
 */
import type { Socket, TCPSocketListener } from 'bun'

export interface RedisServer {
  url: string
  start(): Promise<void>
  stop(): Promise<void>
}

/** A throw-away redis-server (no persistence) on `port`; start() waits until it answers PING. */
export function redisServer(port: number): RedisServer {
  let proc: ReturnType<typeof Bun.spawn> | null = null
  const ping = async () => {
    const p = Bun.spawn(['redis-cli', '-p', String(port), 'ping'], { stdout: 'pipe', stderr: 'ignore' })
    return (await new Response(p.stdout).text()).trim() === 'PONG'
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' })
      for (let i = 0; i < 100; i++) {
        if (await ping()) return
        await Bun.sleep(50)
      }
      throw new Error(`redis-server on ${port} did not start (is redis-server installed and the port free?)`)
    },
    async stop() {
      if (!proc) return
      proc.kill('SIGKILL')
      await proc.exited
      proc = null
    },
  }
}

export interface TcpProxy {
  port: number
  /** the target's URL with host and port replaced by the proxy's */
  via(url: string): string
  /** accept connections again */
  start(): void
  /** refuse new connections and cut the open ones, like a database that went away */
  stop(): void
  close(): void
}

/** A byte pipe from 127.0.0.1:`port` to `target`, that the test can cut and restore. */
export function tcpProxy(port: number, target: { host: string; port: number }): TcpProxy {
  type Pair = { upstream: Socket<any> | null; pending: Uint8Array[] }
  const open = new Set<Socket<Pair>>()
  let listener: TCPSocketListener<Pair> | null = null
  const start = () => {
    if (listener) return
    listener = Bun.listen<Pair>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(client) {
          client.data = { upstream: null, pending: [] }
          open.add(client)
          Bun.connect({
            hostname: target.host,
            port: target.port,
            socket: {
              open(up) {
                client.data.upstream = up
                for (const chunk of client.data.pending) up.write(chunk)
                client.data.pending = []
              },
              data(_up, chunk) {
                client.write(chunk)
              },
              close() {
                client.end()
              },
              error() {
                client.end()
              },
            },
          }).catch(() => client.end())
        },
        data(client, chunk) {
          const up = client.data.upstream
          if (up) up.write(chunk)
          else client.data.pending.push(new Uint8Array(chunk))
        },
        close(client) {
          open.delete(client)
          client.data.upstream?.end()
        },
        error(client) {
          client.data.upstream?.end()
        },
      },
    })
  }
  const stop = () => {
    listener?.stop(true)
    listener = null
    for (const s of open) {
      s.data.upstream?.terminate()
      s.terminate()
    }
    open.clear()
  }
  return {
    port,
    via(url) {
      const u = new URL(url)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.toString()
    },
    start,
    stop,
    close: stop,
  }
}
