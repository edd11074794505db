/**
 * Cold start of each bundled function, as Knative starts a pod from zero: from spawning
 * `node dist/functions/<name>.mjs` to its first successful call that needs Postgres (and the
 * broker), median of RUNS, beside a bare `node:http` server spawned the same way in the same run.
 * Then the resident memory of place-order after 1,000 orders. Loopback only.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/cold-start.ts
 *
 * Aims: within 1.5× of the bare server; place-order under 60 MB after 1,000 orders.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { functions } from '../hono.config.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { bundle } from '../scripts/bundle.ts'

const RUNS = Number(process.env.RUNS ?? 20)
const ORDERS = 1000
/** No single start may take longer than this. */
const START_TIMEOUT_MS = 15_000

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: the bench needs a Postgres it may write orders to')
  process.exit(1)
}
const tokens = { BAR_TOKEN: 'bench-bar', PRINTER_TOKEN: 'bench-printer', SERVICE_TOKEN: 'bench-service' }

interface Call {
  method: string
  path: string
  headers?: Record<string, string>
  body?: () => string
}

const json = { 'content-type': 'application/json' }
const order = () => JSON.stringify({ guestId: randomUUID(), nickname: 'Bench', drinkId: 'water' })
/** The first call of each function that proves it serves with its dependencies. */
const firstCalls: Record<string, Call> = {
  'place-order': { method: 'POST', path: '/api/orders', headers: json, body: order },
  'list-orders': { method: 'GET', path: `/api/orders?guestId=${randomUUID()}` },
  menu: { method: 'GET', path: '/api/menu' },
  // It has no GET of its own: ready means Postgres answered and the broker is connected.
  'update-order': { method: 'GET', path: '/api/readyz' },
}

function call(port: number, { method, path, headers, body }: Call): Promise<number> {
  return new Promise((resolve) => {
    const payload = body?.()
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.setTimeout(5000, () => req.destroy())
    req.end(payload)
  })
}

function start(file: string, env: Record<string, string>, cwd: string): ChildProcess {
  return spawn(process.execPath, [file], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' })
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exit = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exit
  clearTimeout(timer)
}

/** Milliseconds from spawn to the first 2xx answer to `first`. */
async function coldStart(file: string, first: Call, env: Record<string, string>, cwd: string): Promise<number> {
  const port = await anyFreePort()
  const started = performance.now()
  const child = start(file, { ...env, PORT: String(port) }, cwd)
  try {
    while (performance.now() - started < START_TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`)
      const status = await call(port, first)
      if (status >= 200 && status < 300) return performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    throw new Error(`${file} did not answer ${first.method} ${first.path} within ${START_TIMEOUT_MS} ms`)
  } finally {
    await stopped(child)
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

async function rssAfterOrders(dir: string, env: Record<string, string>): Promise<number> {
  const port = await anyFreePort()
  const child = start('dist/functions/place-order.mjs', { ...env, PORT: String(port) }, dir)
  try {
    const until = performance.now() + START_TIMEOUT_MS
    while ((await call(port, { method: 'GET', path: '/api/readyz' })) !== 200) {
      if (performance.now() > until) throw new Error('place-order did not get ready')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    let next = 0
    const worker = async () => {
      while (next < ORDERS) {
        next++
        const status = await call(port, firstCalls['place-order'] as Call)
        if (status !== 201) throw new Error(`POST /api/orders answered ${status}`)
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
    return kb / 1024
  } finally {
    await stopped(child)
  }
}

const dir = await mkdtemp(join(tmpdir(), 'drinks-bench-'))
const brokerPorts = { mqtt: await anyFreePort(), http: await anyFreePort() }
let broker: ChildProcess | undefined
try {
  await bundle({ outDir: join(dir, 'dist') })
  await writeFile(
    join(dir, 'bare.mjs'),
    "import { createServer } from 'node:http'\ncreateServer((req, res) => res.end('ok')).listen(Number(process.env.PORT))\n",
  )
  const migrate = start('dist/migrate.mjs', { DATABASE_URL: databaseUrl }, dir)
  if ((await new Promise((resolve) => migrate.once('exit', resolve))) !== 0) throw new Error('the migration failed')
  broker = start(
    'dist/broker.mjs',
    { NODE_ENV: 'production', DATABASE_URL: databaseUrl, MQTT_PORT: String(brokerPorts.mqtt), PORT: String(brokerPorts.http), ...tokens },
    dir,
  )
  while ((await call(brokerPorts.http, { method: 'GET', path: '/api/healthz' })) !== 200)
    await new Promise((resolve) => setTimeout(resolve, 20))

  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    BROKER_URL: `mqtt://127.0.0.1:${brokerPorts.mqtt}`,
    // One loopback address places every order here: lift the per-address limit for the bench.
    RATE_LIMIT_ADDRESS: '1000000',
    RATE_LIMIT_GUEST: '1000',
    ...tokens,
  }
  const subjects = [
    { name: 'bare node:http', file: 'bare.mjs', first: { method: 'GET', path: '/' } as Call },
    ...functions.map((fn) => ({
      name: fn.name,
      file: `dist/functions/${fn.name}.mjs`,
      first: firstCalls[fn.name] ?? { method: 'GET', path: '/api/readyz' },
    })),
  ]
  const times = new Map<string, number[]>(subjects.map((s) => [s.name, []]))
  // Round after round, so that a slow moment of the machine touches every subject alike.
  for (let run = 0; run < RUNS; run++)
    for (const subject of subjects) times.get(subject.name)?.push(await coldStart(subject.file, subject.first, env, dir))

  const bare = median(times.get('bare node:http') ?? [])
  const lines = [
    `Cold start, spawn to first success, median of ${RUNS} (node ${process.version}, loopback, Postgres and broker up)`,
    '',
    '| process | first call | bundle | median ms | min ms | max ms | × bare |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const subject of subjects) {
    const values = times.get(subject.name) ?? []
    const size = (await stat(join(dir, subject.file))).size
    lines.push(
      `| ${subject.name} | ${subject.first.method} ${subject.first.path.split('?')[0]} | ${Math.round(size / 1024)} KiB | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${(median(values) / bare).toFixed(2)} |`,
    )
  }
  const rss = await rssAfterOrders(dir, env)
  lines.push('', `place-order RSS after ${ORDERS} orders: ${rss.toFixed(1)} MB (aim: under 60 MB)`)
  console.log(lines.join('\n'))
} finally {
  if (broker) await stopped(broker)
  await rm(dir, { recursive: true, force: true })
}
