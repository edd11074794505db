import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, rmdir, writeFile } from 'node:fs/promises'
import { startEmbeddedPostgres } from '../db/embedded.ts'
import { createScratchDatabase } from '../db/scratch.ts'
import { newVapidKeys } from '../runtime/push/vapid.ts'

/** The service tokens every bench starts the system with. */
export const benchTokens = { BAR_TOKEN: 'bench-bar', PRINTER_TOKEN: 'bench-printer', SERVICE_TOKEN: 'bench-service' }

const vapid = newVapidKeys()
/** The secrets a pod gets besides the tokens: in production the broker and functions need a VAPID pair. */
export const benchPodSecrets = {
  ...benchTokens,
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
}

/** A throwaway database on DATABASE_URL's server (or the embedded one) for one benchmark run. */
export async function benchDatabase() {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres()
  const database = await createScratchDatabase(process.env.DATABASE_URL ?? embedded?.url ?? '', 'drinks_bench')
  return {
    url: database.url,
    async drop() {
      await database.drop()
      await embedded?.stop()
    },
  }
}

/** The transactions per second pgbench reaches with `script` against `url`. */
export function pgbench(url: string, script: string, { clients = 8, seconds = 10 } = {}): number {
  const u = new URL(url)
  const result = spawnSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      u.username || 'postgres',
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
  )
  const tps = /tps = ([\d.]+)/.exec(result.stdout)
  if (!tps) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`)
  return Number(tps[1])
}

/**
 * In a pod Node sizes V8's heap from the container's memory limit (192Mi for a function); a
 * process here sees the whole machine. These flags give V8 about the sizes it picks for 192 MiB.
 */
export const podSizedHeap = '--max-old-space-size=96 --max-semi-space-size=1'

/** A memory cgroup a process can be started in: `procs` takes its pid. */
export interface MemoryCgroup {
  procs: string
  remove(): Promise<void>
}

/**
 * A memory cgroup limited to `bytes`, made under this process's own where the machine lets it
 * (root, and the cgroup v1 memory controller or cgroup v2 with it); undefined where it does not.
 * Node in it sizes V8's heap from the limit, as in a pod, with no V8 flag to void the bundle's
 * code cache.
 */
export async function memoryCgroup(name: string, bytes: number): Promise<MemoryCgroup | undefined> {
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n')
    const v1 = lines.find((line) => /^\d+:memory:/.test(line))
    const v2 = lines.find((line) => line.startsWith('0::'))
    const [dir, limitFile] = v1
      ? [`/sys/fs/cgroup/memory${v1.split(':')[2]}/${name}`.replace('//', '/'), 'memory.limit_in_bytes']
      : v2
        ? [`/sys/fs/cgroup${v2.slice(3)}/${name}`.replace('//', '/'), 'memory.max']
        : []
    if (!dir || !limitFile) return undefined
    await mkdir(dir, { recursive: true })
    await writeFile(`${dir}/${limitFile}`, String(bytes))
    return { procs: `${dir}/cgroup.procs`, remove: () => rmdir(dir) }
  } catch {
    return undefined
  }
}

const ticksPerSecond = 100

/** CPU time (user + system, every thread) of a process so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return 0
  }
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : Number.NaN
}
