/**
 * A real PgBouncer (Debian's `pgbouncer`) in front of the suite's PostgreSQL, in transaction pooling mode with
 * a small server pool, so that consecutive transactions of one client really land on different server
 * connections. Started with a generated ini on a port of the run's block; as root it runs as `postgres`
 * (PgBouncer refuses to run as root).
 */
import type { Subprocess } from 'bun'
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testPort } from './helpers'
import { viaPort } from './tcp-proxy'

export interface PgBouncer {
  port: number
  /** `url` (a database on the target server) with host and port replaced by the pooler's */
  via(url: string): string
  start(): Promise<void>
  stop(): Promise<void>
}

export const hasPgBouncer = () => Bun.which('pgbouncer') !== null || Bun.which('pgbouncer', { PATH: '/usr/sbin:/usr/bin' }) !== null

export function pgBouncer(basePort: number, target: string, opts: { poolSize?: number; poolMode?: 'transaction' | 'session' } = {}): PgBouncer {
  const port = testPort(basePort)
  const t = new URL(target)
  let proc: Subprocess | null = null
  let dir: string | null = null
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`
  return {
    port,
    via: (url) => viaPort(url, port),
    async start() {
      dir = mkdtempSync(join(tmpdir(), 'livedrop-pgbouncer-'))
      const user = decodeURIComponent(t.username || 'postgres')
      const password = decodeURIComponent(t.password)
      // Clients are trusted (loopback, the test's own); PgBouncer logs in to PostgreSQL as the target URL's user.
      writeFileSync(join(dir, 'users.txt'), `"${user}" "${password.replace(/"/g, '""')}"\n`)
      writeFileSync(join(dir, 'pgbouncer.ini'), [
        '[databases]',
        `* = host=${t.hostname} port=${t.port || 5432} user=${user}${password ? ` password=${quote(password)}` : ''}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        `pool_mode = ${opts.poolMode ?? 'transaction'}`,
        `default_pool_size = ${opts.poolSize ?? 4}`,
        'max_client_conn = 1000',
        'max_db_connections = 0',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        'log_connections = 0',
        'log_disconnections = 0',
        '',
      ].join('\n'))
      const asRoot = process.getuid?.() === 0
      if (asRoot) {
        const id = (flag: string) => Number(Bun.spawnSync(['id', flag, 'postgres']).stdout.toString())
        for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(join(dir, f), id('-u'), id('-g'))
      }
      const bin = Bun.which('pgbouncer', { PATH: `${process.env.PATH ?? ''}:/usr/sbin` }) ?? 'pgbouncer'
      // -u: PgBouncer drops to that user itself (one process, so kill() reaches it; runuser would stay between).
      proc = Bun.spawn([bin, ...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdout: 'ignore', stderr: 'pipe' })
      for (let i = 0; ; i++) {
        const open = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } }).then((s) => (s.end(), true), () => false)
        if (open) return
        if (proc.exitCode !== null || i > 100) {
          const err = await new Response(proc.stderr as ReadableStream).text()
          throw new Error(`pgbouncer on ${port} did not start: ${err.slice(0, 1000)}`)
        }
        await Bun.sleep(50)
      }
    },
    async stop() {
      if (proc) {
        proc.kill('SIGKILL')
        await proc.exited
        proc = null
      }
      if (dir) rmSync(dir, { recursive: true, force: true })
      dir = null
    },
  }
}
