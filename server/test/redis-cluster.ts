/**
 * A real Redis Cluster for tests: 3 masters + 3 replicas (redis-server --cluster-enabled yes, joined by
 * `redis-cli --cluster create … --cluster-replicas 1`) on six ports of the run's block, each in a throw-away
 * directory. A test can kill -9 a master and wait for its replica to take over.
 */
import type { Subprocess } from 'bun'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testPort } from './helpers'

export interface RedisCluster {
  /** redis+cluster://127.0.0.1:p1,…,p6 (what REDIS_URL takes) */
  url: string
  ports: number[]
  /** Starts the six nodes and joins them; on failure stops what it started. */
  start(): Promise<void>
  boot(): Promise<void>
  stop(): Promise<void>
  /** The port of the master that serves `key`'s slot (CLUSTER KEYSLOT + CLUSTER SHARDS as the cluster sees them). */
  masterOf(key: string): Promise<number>
  /** kill -9 the node on `port` (no shutdown, no goodbye to the cluster) */
  kill(port: number): Promise<void>
  /** Resolves once every slot is served by a reachable master (cluster_state:ok as seen by every live node). */
  healthy(timeoutMs?: number): Promise<void>
}

const cli = async (port: number, ...args: string[]) => {
  const p = Bun.spawn(['redis-cli', '-p', String(port), ...args], { stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited])
  if (code !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')} failed`)
  return out.trim()
}

/**
 * `basePort`..`basePort + 5` (plus the run's TEST_PORT_OFFSET); each node also uses its port + 10000 for the
 * cluster bus. A short node timeout keeps a failover to a couple of seconds; full coverage is not required, so
 * the slots of the other masters keep serving while one is being replaced (the production recommendation too).
 */
export function redisCluster(basePort: number): RedisCluster {
  const ports = Array.from({ length: 6 }, (_, i) => testPort(basePort + i))
  const procs = new Map<number, Subprocess>()
  let dir: string | null = null

  /** The masters that `port` sees, with their slot ranges: live, not failed, connected (CLUSTER NODES). */
  const masters = async (port: number) => {
    const out: Array<{ port: number; ranges: Array<[number, number]> }> = []
    // "<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges…>"
    for (const line of (await cli(port, 'cluster', 'nodes').catch(() => '')).split('\n')) {
      const f = line.split(' ')
      if (!f[2]?.split(',').includes('master') || f[2].includes('fail') || f[7] !== 'connected') continue
      const ranges = f.slice(8).filter((r) => /^\d+(-\d+)?$/.test(r)).map((r) => {
        const [a, b = a] = r.split('-').map(Number)
        return [a, b] as [number, number]
      })
      out.push({ port: Number(f[1].split('@')[0].split(':')[1]), ranges })
    }
    return out
  }
  const live = () => ports.filter((p) => procs.has(p))

  const healthy = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const states = await Promise.all(live().map((p) => cli(p, 'cluster', 'info').catch(() => '')))
      // Every slot served by a master that is running, as every running node sees it.
      const views = await Promise.all(live().map(masters))
      const covered = views.every((v) => v.filter((m) => procs.has(m.port)).reduce((n, m) => n + m.ranges.reduce((k, [a, b]) => k + b - a + 1, 0), 0) === 16384)
      if (covered && states.every((s) => s.includes('cluster_state:ok'))) return
      if (Date.now() > deadline) throw new Error(`redis cluster not healthy after ${timeoutMs} ms`)
      await Bun.sleep(100)
    }
  }

  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    async start() {
      try {
        await this.boot()
      } catch (err) {
        await this.stop()
        throw err
      }
    },
    async boot() {
      dir = mkdtempSync(join(tmpdir(), 'livedrop-redis-cluster-'))
      for (const port of ports) {
        procs.set(port, Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000',
          '--cluster-require-full-coverage', 'no', '--cluster-replica-validity-factor', '0',
          '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' }))
      }
      for (const port of ports) {
        for (let i = 0; ; i++) {
          if ((await cli(port, 'ping').catch(() => '')) === 'PONG') break
          if (i > 100) throw new Error(`redis-server on ${port} did not start (is the port free?)`)
          await Bun.sleep(50)
        }
      }
      await cli(ports[0], '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes')
      await healthy()
      // A replica that has not finished its first sync cannot take over: wait for all three links.
      for (let i = 0; ; i++) {
        const infos = await Promise.all(ports.map((p) => cli(p, 'info', 'replication')))
        if (infos.filter((s) => s.includes('master_link_status:up')).length === 3) break
        if (i > 200) throw new Error('redis cluster replicas did not sync')
        await Bun.sleep(50)
      }
    },
    async stop() {
      for (const [port, proc] of procs) {
        proc.kill('SIGKILL')
        await proc.exited
        procs.delete(port)
      }
      if (dir) rmSync(dir, { recursive: true, force: true })
      dir = null
    },
    async masterOf(key) {
      const slot = Number(await cli(live()[0], 'cluster', 'keyslot', key))
      for (const m of await masters(live()[0])) {
        if (procs.has(m.port) && m.ranges.some(([a, b]) => a <= slot && slot <= b)) return m.port
      }
      throw new Error(`no live master serves ${key} (slot ${slot})`)
    },
    async kill(port) {
      const proc = procs.get(port)
      if (!proc) return
      proc.kill('SIGKILL')
      await proc.exited
      procs.delete(port)
    },
    healthy,
  }
}
