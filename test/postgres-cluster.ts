/**
 * A throwaway PostgreSQL cluster that a drill or a test owns and may stop and start: made with
 * the machine's `initdb` and `pg_ctl` (PG_BIN, else /usr/lib/postgresql/<15…17>/bin, else PATH)
 * in a temporary folder, on a free loopback port. Postgres refuses to run as root: as root, its
 * commands run as the `postgres` OS user (`runuser`).
 */
import { execFile, execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { anyFreePort } from '../runtime/ports.ts'

export interface PostgresCluster {
  /** Connection string of its `postgres` database (user postgres, trust on loopback). */
  url: string
  port: number
  /** `pg_ctl stop -m fast`: clients are disconnected, the server shuts down cleanly. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  start(): Promise<void>
  /** Stops the server and removes its folder. */
  destroy(): void
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  for (const version of [17, 16, 15]) {
    const dir = `/usr/lib/postgresql/${version}/bin`
    if (existsSync(join(dir, 'initdb'))) return dir
  }
  return ''
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

/** Makes and starts a cluster; `destroy()` it when done. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = binDir()
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'drinks-pg-'))
  if (asRoot) {
    const { uid, gid } = postgresUser()
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const log = join(dir, 'server.log')
  const port = await anyFreePort()
  const command = (name: string, args: string[]): [string, string[]] => {
    const file = bin ? join(bin, name) : name
    return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args]
  }
  // Asynchronous, so that whoever drives the cluster keeps serving while it stops and starts.
  const run = async (name: string, args: string[]) => {
    await promisify(execFile)(...command(name, args), { timeout: 60_000 })
  }
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`
  const start = () => run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '30', '-o', options])
  await start()
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode = 'fast') {
      await run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30'])
      running = false
    },
    async start() {
      await start()
      running = true
    },
    destroy() {
      if (running) execFileSync(...command('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']))
      running = false
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
