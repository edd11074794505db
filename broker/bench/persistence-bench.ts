/**
 * QoS 1 throughput of one Aedes broker on loopback TCP: Aedes' in-memory persistence against the
 * Postgres persistence (with Aedes' local mqemitter, also waiting for packet ids, then with the
 * Postgres emitter too), in one run.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx broker/bench/persistence-bench.ts
 *
 * Env: BENCH_MESSAGES (20000), BENCH_SIZE (200 bytes), BENCH_RUNS (3 rounds, each running every
 * configuration once; the medians are reported, and each ratio to memory is the median of the
 * rounds' own ratios); BENCH_SCENARIOS and BENCH_CONFIGS, comma-separated, to run a subset.
 * Works in a schema of its own, dropped at the end. Each run is bounded (BENCH_TIMEOUT, 120 s).
 */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Aedes } from 'aedes'
import postgres from 'postgres'
import { median } from '../../test/stats.ts'
import { createPostgresEmitter } from '../emitter/emitter.ts'
import { migrateBroker } from '../migrations/index.ts'
import { createPostgresPersistence, type PostgresPersistence } from '../persistence/persistence.ts'
import type { Scenario, Timings } from './load-client.ts'

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
if (!url) throw new Error('set BENCH_DATABASE_URL (a server where a scratch schema may be created)')
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000)
const size = Number(process.env.BENCH_SIZE ?? 200)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const timeout = Number(process.env.BENCH_TIMEOUT ?? 120_000)

/** postgres+awaitIds: the persistence waiting for QoS 1 packet ids to be stored (outgoing.ts). */
type Config = 'memory' | 'postgres' | 'postgres+awaitIds' | 'postgres+emitter'
const configs = only<Config>(process.env.BENCH_CONFIGS, ['memory', 'postgres', 'postgres+awaitIds', 'postgres+emitter'])
const kinds = only<Scenario['kind']>(process.env.BENCH_SCENARIOS, [
  'online-clean',
  'online-persistent',
  'offline-drain',
])

function only<T extends string>(list: string | undefined, all: T[]): T[] {
  return list ? all.filter((item) => list.split(',').includes(item)) : all
}

const schema = `mqtt_bench_${randomBytes(4).toString('hex')}`
const admin = postgres(url, { max: 1, onnotice: () => {} })
await admin`create schema ${admin(schema)}`
/** Statements per kind, counted through postgres.js' debug hook. */
let statements = new Map<string, number>()
const sql = postgres(url, {
  max: 10,
  onnotice: () => {},
  connection: { search_path: schema },
  debug: (_connection, query) => {
    const kind = query.trim().split(/\s+/).slice(0, 3).join(' ')
    statements.set(kind, (statements.get(kind) ?? 0) + 1)
  },
})
await migrateBroker(sql)

interface Started {
  url: string
  broker: Aedes
  close(): Promise<void>
}

async function startBroker(config: Config): Promise<Started> {
  const tag = randomBytes(3).toString('hex')
  let persistence: PostgresPersistence | undefined
  let mq: ReturnType<typeof createPostgresEmitter> | undefined
  if (config !== 'memory') {
    const awaitPacketIds = config === 'postgres+awaitIds'
    // The offline queue holds every message of a run (the default bound, 10,000, would drop the oldest).
    persistence = createPostgresPersistence({
      sql,
      channel: `bench_subs_${tag}`,
      awaitPacketIds,
      maxQueued: Math.max(messages, 10_000),
    })
  }
  if (config === 'postgres+emitter') {
    mq = createPostgresEmitter({ sql, channel: `bench_mq_${tag}` })
    await mq.ready
  }
  const broker = await Aedes.createBroker({ ...(persistence ? { persistence } : {}), ...(mq ? { mq } : {}) })
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    broker,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await persistence?.destroy()
    },
  }
}

interface Measured extends Timings {
  cpuMs: number
  postgresCpuMs: number
  statements: Map<string, number>
}

/** CPU time of the local Postgres server's processes so far (Linux /proc; 0 elsewhere). */
function postgresCpuMs(): number {
  let ticks = 0
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        if (!stat.includes('(postgres)')) continue
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        ticks += Number(fields[11]) + Number(fields[12])
      } catch {
        // The process ended meanwhile.
      }
    }
  } catch {
    return 0
  }
  return ticks * 10
}

async function measure(config: Config, kind: Scenario['kind']): Promise<Measured> {
  const started = await startBroker(config)
  statements = new Map()
  const cpu = process.cpuUsage()
  const postgresCpu = postgresCpuMs()
  const child = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  })
  let published = 0
  let wanted = Number.POSITIVE_INFINITY
  started.broker.on('publish', (packet) => {
    if (packet.topic === 'bench/tickets' && ++published === wanted) child.send({ published })
  })
  try {
    const timings = await new Promise<Timings>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${config} ${kind}: no result within ${timeout} ms`)), timeout)
      child.on('message', (message: { type: string; timings?: Timings; messages?: number }) => {
        if (message.type === 'await-published') {
          wanted = message.messages ?? 0
          if (published >= wanted) child.send({ published })
        } else if (message.type === 'done' && message.timings) {
          clearTimeout(timer)
          resolve(message.timings)
        }
      })
      child.on('exit', (code) => code && reject(new Error(`load client exited with ${code}`)))
      const clientId = `bench-${randomBytes(3).toString('hex')}`
      child.send({ kind, url: started.url, messages, size, clientId } satisfies Scenario)
    })
    const used = process.cpuUsage(cpu)
    const postgresUsed = postgresCpuMs() - postgresCpu
    return { ...timings, cpuMs: (used.user + used.system) / 1000, postgresCpuMs: postgresUsed, statements }
  } finally {
    child.kill()
    await started.close()
    await sql`truncate mqtt_retained, mqtt_subscriptions, mqtt_outgoing, mqtt_incoming, mqtt_wills, mqtt_emitter_attachments`
  }
}

const rate = (ms: number) => Math.round((messages / ms) * 1000)

/** CPU per message in µs, over the whole scenario (for offline-drain: fill and drain). */
const perMessage = (ms: number) => Math.round((ms * 1000) / messages)

/** The commonest statements, per message. */
function statementMix(counts: Map<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([what, n]) => `${what.slice(0, 26)} ${(n / messages).toFixed(4)}`)
    .join(', ')
}

try {
  for (const kind of kinds) {
    // Round after round, every configuration once a round, so that a slow moment of a shared
    // machine touches all of them alike; each ratio is taken within a round.
    const samples = new Map<Config, Measured[]>(configs.map((config) => [config, []]))
    for (let i = 0; i < runs; i++) for (const config of configs) samples.get(config)?.push(await measure(config, kind))
    for (const config of configs) {
      const own = samples.get(config) ?? []
      const middle = median(own.map((sample) => sample.ms))
      const mid = own.find((sample) => sample.ms === middle) as Measured
      const fill = kind === 'offline-drain' ? `  queue fill ${rate(median(own.map((x) => x.fillMs ?? 0)))} msg/s` : ''
      console.log(
        `${kind.padEnd(18)} ${config.padEnd(17)} ${String(rate(middle)).padStart(6)} msg/s${fill}` +
          `  (runs ${own.map((sample) => rate(sample.ms)).join(', ')})\n` +
          `${' '.repeat(37)}CPU per message: broker ${perMessage(mid.cpuMs)} µs, clients ` +
          `${perMessage(mid.clientCpuMs ?? 0)} µs, postgres ${perMessage(mid.postgresCpuMs)} µs` +
          (config === 'memory' ? '' : `\n${' '.repeat(37)}statements per message: ${statementMix(mid.statements)}`),
      )
    }
    const base = samples.get('memory') ?? []
    for (const config of configs.filter((config) => config !== 'memory')) {
      // Rate over rate is in-memory time over this configuration's time, round by round.
      const ratios = (samples.get(config) ?? []).map((sample, i) => (base[i]?.ms ?? Number.NaN) / sample.ms)
      console.log(
        `${kind.padEnd(18)} ${config.padEnd(17)} ratio to memory ${median(ratios).toFixed(2)}` +
          ` (median of the rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
      )
    }
  }
} finally {
  await sql.end({ timeout: 5 })
  await admin`drop schema ${admin(schema)} cascade`
  await admin.end({ timeout: 5 })
}
