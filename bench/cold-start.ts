/**
 * Cold start of each bundled function, as Knative starts a pod from zero: from spawning
 * `node dist/functions/<name>.cjs` to its first successful call that needs Postgres (and the
 * broker), median of RUNS, beside a bare `node:http` server spawned the same way in the same run.
 * Then the resident memory of place-order after 1,000 orders. Loopback only.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/cold-start.ts
 *
 * Aims: within 1.5× of the bare server; place-order under 60 MB after 1,000 orders.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, routes } from '../contract/index.ts'
import { codeCacheFile } from '../functions/shared/code-cache.ts'
import { functions } from '../hono.config.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { bundle } from '../scripts/bundle.ts'
import { type PodProcess, startPod, startProcess, waitForStatus } from '../test/processes.ts'
import { median } from '../test/stats.ts'
import { type MemoryCgroup, memoryCgroup, podSizedHeap, rssBytes, benchPodSecrets as tokens } from './lib.ts'

const RUNS = Number(process.env.RUNS ?? 20)
const ORDERS = 1000
/** No single start may take longer than this. */
const START_TIMEOUT_MS = 15_000

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: the bench needs a Postgres it may write orders to')
  process.exit(1)
}

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
  'place-order': { method: 'POST', path: api.orders, headers: json, body: order },
  'list-orders': { method: 'GET', path: `${api.orders}?guestId=${randomUUID()}` },
  menu: { method: 'GET', path: api.menu },
  // It has no GET of its own: ready means Postgres answered and the schema is migrated.
  'update-order': { method: 'GET', path: routes.readyz },
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

interface Start {
  /** Spawn to the first 2xx from `health`: the process runs and listens. */
  listening: number
  /** Spawn to the first 2xx from `first`: it serves with its dependencies. */
  served: number
  /** CPU time the process had used by then, all threads: what a busy machine cannot inflate. */
  cpu: number
}

/**
 * CPU time of every thread of `pid` so far, in ms (the first field of each schedstat is ns): a
 * start takes tens of ms, finer than the 10 ms ticks `cpuMs` of lib.ts counts in.
 */
async function threadsCpuMs(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`)
  let ns = 0
  for (const task of tasks) {
    const fields = (await readFile(`/proc/${pid}/task/${task}/schedstat`, 'utf8').catch(() => '0')).split(' ')
    ns += Number(fields[0])
  }
  return ns / 1e6
}

async function until2xx(port: number, what: Call, { child }: PodProcess, started: number): Promise<number> {
  while (performance.now() - started < START_TIMEOUT_MS) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    const status = await call(port, what)
    if (status >= 200 && status < 300) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error(`no answer to ${what.method} ${what.path} within ${START_TIMEOUT_MS} ms`)
}

async function coldStart(subject: Subject, env: Record<string, string>, cwd: string): Promise<Start> {
  const port = await anyFreePort()
  const started = performance.now()
  const pod = startPod(subject.file, { cwd, env: { ...env, PORT: String(port) } })
  try {
    const listening = await until2xx(port, subject.health, pod, started)
    const served = await until2xx(port, subject.first, pod, started)
    return { listening, served, cpu: await threadsCpuMs(pod.child.pid as number) }
  } catch (error) {
    throw new Error(`${subject.file}: ${(error as Error).message}`)
  } finally {
    await pod.stop()
  }
}

interface Subject {
  name: string
  file: string
  health: Call
  first: Call
}

async function rssAfterOrders(dir: string, env: Record<string, string>, cgroup?: MemoryCgroup): Promise<number> {
  const port = await anyFreePort()
  const file = 'dist/functions/place-order.cjs'
  const podEnv = { ...env, PORT: String(port) }
  // In the cgroup: the shell joins it, then becomes node (the same pid).
  const pod = cgroup
    ? startProcess('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procs, process.execPath, file], {
        cwd: dir,
        env: podEnv,
        inheritEnv: false,
      })
    : startPod(file, { cwd: dir, env: podEnv })
  try {
    await waitForStatus(pod, `http://127.0.0.1:${port}/api/readyz`, 200, START_TIMEOUT_MS)
    let placed = 0
    const worker = async () => {
      while (placed < ORDERS) {
        const status = await call(port, firstCalls['place-order'] as Call)
        if (status === 201) placed++
        // Busy: a guest's page tries again, and so does this bench (a moment later, as told).
        else if (status === 503) await new Promise((resolve) => setTimeout(resolve, 100))
        else throw new Error(`POST /api/orders answered ${status}`)
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    return rssBytes(pod.child.pid) / 2 ** 20
  } finally {
    await pod.stop()
  }
}

const dir = await mkdtemp(join(tmpdir(), 'drinks-bench-'))
const brokerPorts = { mqtt: await anyFreePort(), http: await anyFreePort() }
let broker: PodProcess | undefined
try {
  await bundle({ outDir: join(dir, 'dist') })
  await writeFile(
    join(dir, 'bare.mjs'),
    "import { createServer } from 'node:http'\ncreateServer((req, res) => res.end('ok')).listen(Number(process.env.PORT))\n",
  )
  const migrate = startPod('dist/migrate.mjs', { cwd: dir, env: { DATABASE_URL: databaseUrl } })
  if ((await migrate.exited) !== 0) throw new Error(`the migration failed:\n${migrate.output()}`)
  broker = startPod('dist/broker.mjs', {
    cwd: dir,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      MQTT_PORT: String(brokerPorts.mqtt),
      PORT: String(brokerPorts.http),
      ...tokens,
    },
  })
  await waitForStatus(broker, `http://127.0.0.1:${brokerPorts.http}/api/healthz`, 200, START_TIMEOUT_MS)

  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    BROKER_URL: `mqtt://127.0.0.1:${brokerPorts.mqtt}`,
    // One loopback address places every order here: lift the per-address limit for the bench.
    RATE_LIMIT_ADDRESS: '1000000',
    RATE_LIMIT_GUEST: '1000',
    ...tokens,
  }
  const bareCall: Call = { method: 'GET', path: '/' }
  const subjects: Subject[] = [
    { name: 'bare node:http', file: 'bare.mjs', health: bareCall, first: bareCall },
    ...functions.map((fn) => ({
      name: fn.name,
      file: `dist/functions/${fn.name}.cjs`,
      health: { method: 'GET', path: routes.healthz },
      first: firstCalls[fn.name] ?? { method: 'GET', path: routes.readyz },
    })),
  ]
  const times = new Map<string, Start[]>(subjects.map((s) => [s.name, []]))
  // Round after round, so that a slow moment of the machine touches every subject alike.
  for (let run = 0; run < RUNS; run++)
    for (const subject of subjects) times.get(subject.name)?.push(await coldStart(subject, env, dir))

  const bare = times.get('bare node:http') ?? []
  const [bareListening, bareServed, bareCpu] = ['listening', 'served', 'cpu'].map((key) =>
    median(bare.map((t) => t[key as keyof Start])),
  ) as [number, number, number]
  const ms = (value: number) => value.toFixed(0)
  const lines = [
    `Cold start from spawn, median of ${RUNS} (node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}; loopback; Postgres and broker up; no V8 flags, as in the pods)`,
    '',
    '| process | bundle | code cache | listening ms | × bare | first call | served ms (min–max) | × bare | CPU ms to serve | × bare |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  ]
  for (const subject of subjects) {
    const values = times.get(subject.name) ?? []
    const listening = median(values.map((t) => t.listening))
    const served = values.map((t) => t.served)
    const cpu = median(values.map((t) => t.cpu))
    // A function's file is its launcher: the bundle and its V8 code cache lie beside it.
    const kib = async (file: string) => `${Math.round((await stat(join(dir, file))).size / 1024)} KiB`
    const bundled = subject.file.replace(/\.cjs$/, '.code.cjs')
    const size = await kib(bundled)
    const cache = bundled === subject.file ? '' : await kib(codeCacheFile(bundled))
    const first = `${subject.first.method} ${subject.first.path.split('?')[0]}`
    lines.push(
      `| ${subject.name} | ${size} | ${cache} | ${ms(listening)} | ${(listening / bareListening).toFixed(2)} | ${first} | ${ms(median(served))} (${ms(Math.min(...served))}–${ms(Math.max(...served))}) | ${(median(served) / bareServed).toFixed(2)} | ${ms(cpu)} | ${(cpu / bareCpu).toFixed(2)} |`,
    )
  }
  const hostSized = await rssAfterOrders(dir, env)
  const podSized = await rssAfterOrders(dir, { ...env, NODE_OPTIONS: podSizedHeap })
  lines.push(
    '',
    `place-order RSS after ${ORDERS} orders (aim: under 60 MB): ${podSized.toFixed(1)} MB with the heap sized as in a 192Mi pod (${podSizedHeap}, V8 flags: without the code cache); ${hostSized.toFixed(1)} MB sized for this whole machine`,
  )
  // As the pod runs: Node sizes the heap from the memory limit itself, and uses the code cache.
  const cgroup = await memoryCgroup(`cold-start-${process.pid}`, 192 * 2 ** 20)
  if (cgroup) {
    try {
      const inPod = await rssAfterOrders(dir, env, cgroup)
      lines.push(
        `place-order RSS after ${ORDERS} orders in a memory cgroup limited to 192 MiB, no V8 flag (with the code cache, as in the pod): ${inPod.toFixed(1)} MB`,
      )
    } finally {
      await cgroup.remove()
    }
  } else {
    lines.push('(no memory cgroup could be made here: the RSS in a 192 MiB cgroup is not measured)')
  }
  console.log(lines.join('\n'))
} finally {
  await broker?.stop()
  await rm(dir, { recursive: true, force: true })
}
