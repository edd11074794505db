/**
 * The deployed shape on one machine, for the venue bench and the drill: broker replicas
 * (`npm run broker`) and functions (`npm run function -- <name>`) as processes of their own on
 * one Postgres, on free loopback ports, and what the bench reads of them (CPU, resident memory).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { migrateBroker } from '../broker/migrations/index.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { type Part, startPart } from '../test/processes.ts'

export const benchTokens = { BAR_TOKEN: 'bench-bar', PRINTER_TOKEN: 'bench-printer', SERVICE_TOKEN: 'bench-service' }

export interface BrokerPart extends Part {
  /** MQTT over TCP. */
  tcpUrl: string
  /** MQTT over WebSocket. */
  wsUrl: string
  ports: { mqtt: number; http: number }
}

/** Rows and transactions of `database` so far (pg_stat_database; Postgres flushes them within seconds). */
export async function databaseWork(sql: postgres.Sql, database: string) {
  const [row] = await sql<{ commits: string; inserted: string; deleted: string; returned: string }[]>`
    select xact_commit as commits, tup_inserted as inserted, tup_deleted as deleted, tup_fetched as returned
    from pg_stat_database where datname = ${database}`
  return { commits: Number(row?.commits), inserted: Number(row?.inserted), deleted: Number(row?.deleted) }
}

/** Applies every part's migrations, as the migration Job does before the pods start. */
export async function migrateAll(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await migrateFunctions(sql)
    await migrateBroker(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/**
 * One broker replica. `ports` reuses a dead replica's ports; with `profileDir`, SIGUSR2 starts and
 * stops a CPU profile written there (venue-cpu-prof.ts). `maxConnections` raises the bounds of
 * connections per process and per address (every guest of the bench comes from 127.0.0.1).
 */
export async function startBrokerPart(
  databaseUrl: string,
  {
    ports,
    profileDir,
    maxConnections,
  }: { ports?: { mqtt: number; http: number }; profileDir?: string; maxConnections?: number } = {},
): Promise<BrokerPart> {
  const chosen = ports ?? { mqtt: await anyFreePort(), http: await anyFreePort() }
  const part = await startPart(
    'broker/main.ts',
    [],
    {
      ...benchTokens,
      DATABASE_URL: databaseUrl,
      MQTT_PORT: String(chosen.mqtt),
      PORT: String(chosen.http),
      ...(maxConnections
        ? { MQTT_MAX_CONNECTIONS: String(maxConnections), MQTT_MAX_CONNECTIONS_PER_ADDRESS: String(maxConnections) }
        : {}),
      ...(profileDir
        ? {
            NODE_OPTIONS: `--import tsx --import ${fileURLToPath(new URL('./venue-cpu-prof.ts', import.meta.url))}`,
            VENUE_PROFILE_DIR: profileDir,
          }
        : {}),
    },
    `http://127.0.0.1:${chosen.http}/api/readyz`,
  )
  return {
    ...part,
    ports: chosen,
    tcpUrl: `mqtt://127.0.0.1:${chosen.mqtt}`,
    wsUrl: `ws://127.0.0.1:${chosen.http}/mqtt`,
  }
}

export interface FunctionPart extends Part {
  base: string
}

/** One function as its pod runs it, publishing to `brokerUrl`; rate limits out of the way of the load. */
export async function startFunctionPart(name: string, databaseUrl: string, brokerUrl: string): Promise<FunctionPart> {
  const port = await anyFreePort()
  const base = `http://127.0.0.1:${port}`
  const part = await startPart(
    'functions/serve.ts',
    [name],
    {
      ...benchTokens,
      DATABASE_URL: databaseUrl,
      BROKER_URL: brokerUrl,
      PORT: String(port),
      RATE_LIMIT_GUEST: '1000000',
      RATE_LIMIT_ADDRESS: '1000000',
    },
    `${base}/api/readyz`,
  )
  return { ...part, base }
}

const ticksPerSecond = 100

/** CPU time (user + system) of a process so far, in ms; 0 once it is gone. */
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

/**
 * CPU time so far of the Postgres backends serving `database`, in ms (their titles name it), so
 * that other databases of a shared server do not count; the server's background processes
 * (WAL writer, checkpointer) are left out. Backends that ended meanwhile are lost to the count.
 */
export function postgresCpuMs(database: string): number {
  let total = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (title.includes(` ${database} `)) total += cpuMs(Number(pid))
    } catch {
      // The process ended meanwhile.
    }
  }
  return total
}
