/**
 * The order path under load, on loopback, in two shapes: the all-in-one of `npm start` in its own
 * process, and as deployed (the bundled broker and place-order, each a process started as its pod
 * starts it). For each: a fixed 200 orders/s, saturation with wrk (32 connections), and an open
 * loop at twice the rate saturation reached. Beside them, in the same run, a bare `node:http`
 * server parsing and answering the same JSON under the same wrk, and pgbench's one-row INSERT.
 *
 * Latency is from the request being sent (its time travels in the order's note) to a bar
 * subscriber on `bar/orders` receiving the order. "Delivered" counts distinct orders; the wait
 * for them ends when every acknowledged order arrived, or SETTLE_MS after the run.
 *
 *   npm run bench -- order-path          (BENCH_SECONDS=10 a run; BENCH_PROFILE=<dir> profiles npm start)
 *
 * BENCH_BEFORE=<a checkout of an earlier version, with its node_modules>: its `npm start` and its
 * deployed shape (built by its own bundler) run too, before this tree's, in the same run.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { anyFreePort } from '../runtime/ports.ts'
import { startProcess, waitForStatus } from '../test/processes.ts'
import { percentile } from '../test/stats.ts'
import { waitFor } from '../test/wait.ts'
import { watchBar } from './bar-watch.ts'
import { benchDatabase, benchPodSecrets, cpuMs, pgbench, podSizedHeap, rssBytes, benchTokens as tokens } from './lib.ts'
import { bareServer, hasWrk, openLoop, wrk } from './order-load.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
/** How long after a run the bar may still receive acknowledged orders. */
const SETTLE_MS = 10_000
/** BENCH_PROFILE=<dir>: the all-in-one writes a CPU profile there (open it in Chrome's DevTools). */
const profileFlags = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
const unlimited = { RATE_LIMIT_GUEST: '1000000', RATE_LIMIT_ADDRESS: '1000000' }
if (!hasWrk) throw new Error('the order-path bench needs wrk (Debian: apt-get install wrk)')

interface Row {
  run: string
  perSecond: number
  created: number
  overloaded: number
  other: number
  p50: number
  p99: number
  /** Request sent → its 201, p99 in ms (open-loop runs only). */
  answeredP99?: number
  /** Request sent → its 503, p99 in ms (open-loop runs with refusals only). */
  refusedP99?: number
  delivered: number
  duplicates: number
  /** CPU time of the system's processes per 201, in ms. */
  cpuPerOrder: number
  note?: string
}

/** How long a process of the system may take to get ready. */
const START_TIMEOUT_MS = 60_000
const rssMb = (pid: number) => rssBytes(pid) / 2 ** 20

/**
 * The three runs against one shape of the system: `pids` are its processes, whose CPU time is
 * counted; the memory of the first is watched.
 */
async function measure(shape: string, base: string, mqttUrl: string, pids: number[]): Promise<Row[]> {
  const pid = pids[0] as number
  const bar = await watchBar(mqttUrl, tokens.BAR_TOKEN)
  const rows: Row[] = []
  const cpu = () => pids.reduce((sum, p) => sum + cpuMs(p), 0)
  let cpuAtStart = 0
  const start = () => {
    bar.reset()
    cpuAtStart = cpu()
  }
  type Counts = Pick<Row, 'perSecond' | 'created' | 'overloaded' | 'other'>
  const settle = async (run: string, created: number, counts: Counts) => {
    const cpuPerOrder = (cpu() - cpuAtStart) / created
    const seen = await bar.settle(created, SETTLE_MS)
    const row: Row = {
      run: `${shape}: ${run}`,
      ...counts,
      delivered: seen.delivered,
      duplicates: seen.duplicates,
      cpuPerOrder,
      p50: percentile(seen.latencies, 50),
      p99: percentile(seen.latencies, 99),
    }
    rows.push(row)
    return row
  }
  await wrk(base, 8, 3) // warm-up: JIT, pools, caches
  await bar.settle(Number.POSITIVE_INFINITY, 2000)

  start()
  const steady = await openLoop(base, 200, seconds)
  const steadyRow = await settle('fixed 200 orders/s', steady.statuses['201'] ?? 0, counts(steady.statuses))
  steadyRow.answeredP99 = percentile(steady.answeredMs, 99)
  steadyRow.note = otherAnswers(steady.statuses)

  start()
  const saturated = await wrk(base, 32, seconds)
  const { perSecond, created, overloaded, other } = saturated
  await settle('saturation, wrk 32 connections', created, { perSecond, created, overloaded, other })
  const sustainable = Math.max(50, Math.round(created / seconds))

  start()
  const before = rssMb(pid)
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid))
  }, 250)
  const overload = await openLoop(base, 2 * sustainable, seconds)
  clearInterval(sampler)
  const row = await settle(
    `open loop at ${2 * sustainable}/s (twice saturation)`,
    overload.statuses['201'] ?? 0,
    counts(overload.statuses),
  )
  row.answeredP99 = percentile(overload.answeredMs, 99)
  if (overload.refusedMs.length > 0) row.refusedP99 = percentile(overload.refusedMs, 99)
  row.note = [
    `RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most, ${rssMb(pid).toFixed(0)} MB after`,
    otherAnswers(overload.statuses),
  ]
    .filter(Boolean)
    .join('; ')
  await bar.close()
  return rows
}

function counts(statuses: Record<string, number>) {
  const created = statuses['201'] ?? 0
  const overloaded = statuses['503'] ?? 0
  const all = Object.values(statuses).reduce((sum, n) => sum + n, 0)
  return { perSecond: all / seconds, created, overloaded, other: all - created - overloaded }
}

/** What the answers other than 201 and 503 were (`error`: no answer within the load generator's timeout). */
function otherAnswers(statuses: Record<string, number>): string {
  const others = Object.entries(statuses).filter(([status]) => status !== '201' && status !== '503')
  return others.length > 0 ? `other answers: ${others.map(([status, n]) => `${n} × ${status}`).join(', ')}` : ''
}

/** The all-in-one of `npm start` of the checkout in `cwd`. */
async function allInOne(shape: string, cwd: string, flags: string[]): Promise<Row[]> {
  const [port, mqttPort] = [await anyFreePort(), await anyFreePort()]
  const base = `http://127.0.0.1:${port}`
  const server = startProcess(process.execPath, [...flags, '--import', 'tsx', 'server/start.ts'], {
    cwd,
    env: { ...tokens, ...unlimited, DATABASE_URL: db.url, PORT: String(port), MQTT_PORT: String(mqttPort) },
  })
  try {
    await waitForStatus(server, `${base}/api/readyz`, 200, START_TIMEOUT_MS)
    return await measure(shape, base, `mqtt://127.0.0.1:${mqttPort}`, [server.child.pid as number])
  } finally {
    await server.stop()
    await sql`truncate orders, outbox cascade`
  }
}

/**
 * As deployed: the bundles of the checkout in `cwd` (built by its own bundler into `outDir`), each
 * started as its pod starts it, on the same database.
 */
async function deployedShape(shape: string, cwd: string, outDir: string) {
  const bundler = startProcess(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', outDir], { cwd })
  if ((await bundler.exited) !== 0) throw new Error(`bundling ${cwd} failed:\n${bundler.output()}`)
  const ports = { mqtt: await anyFreePort(), broker: await anyFreePort(), fn: await anyFreePort() }
  const pod = { NODE_ENV: 'production', DATABASE_URL: db.url, ...benchPodSecrets }
  const broker = startProcess(process.execPath, [join(outDir, 'broker.mjs')], {
    env: { ...pod, MQTT_PORT: String(ports.mqtt), PORT: String(ports.broker) },
  })
  const fnBase = `http://127.0.0.1:${ports.fn}`
  // Trees before the code cache bundled the function as one ES module.
  const entry = ['functions/place-order.cjs', 'functions/place-order.mjs'].find((file) =>
    existsSync(join(outDir, file)),
  )
  if (!entry) throw new Error(`${cwd}: its bundler made no place-order bundle`)
  const fn = startProcess(process.execPath, [...podSizedHeap.split(' '), join(outDir, entry)], {
    env: { ...pod, ...unlimited, PORT: String(ports.fn), BROKER_URL: `mqtt://127.0.0.1:${ports.mqtt}` },
  })
  try {
    await waitForStatus(broker, `http://127.0.0.1:${ports.broker}/api/readyz`, 200, START_TIMEOUT_MS)
    // Ready, and connected to the broker: its readiness does not wait for the broker.
    const brokerConnected = async () =>
      ((await (await fetch(`${fnBase}/api/readyz`)).json()) as { broker: boolean }).broker
    await waitFor(() => brokerConnected().catch(() => false), START_TIMEOUT_MS, `${shape}: place-order connected`)
    const rows = await measure(shape, fnBase, `mqtt://127.0.0.1:${ports.mqtt}`, [
      fn.child.pid as number,
      broker.child.pid as number,
    ])
    const fnRss = rssMb(fn.child.pid as number)
    const bundleKiB = (await stat(join(outDir, entry.replace(/\.cjs$/, '.code.cjs')))).size / 1024
    return { rows, fnRss, bundleKiB }
  } finally {
    await fn.stop()
    await broker.stop()
    await sql`truncate orders, outbox cascade`
  }
}

/**
 * The database's own latency at a steady rate: a one-row INSERT into `bench_orders` committed
 * `rate` times a second from postgres.js, timed from when each was due. What the order path's
 * POST → bar at that rate cannot beat, since an order reaches the bar only after its commit.
 */
async function commitFloor(url: string, rate: number, runSeconds: number) {
  const client = postgres(url, { max: 4, onnotice: () => {} })
  const latencies: number[] = []
  const count = rate * runSeconds
  const start = performance.now()
  const commits: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    commits.push(
      client
        .begin(
          (tx) =>
            tx`insert into bench_orders (id, guest_id, nickname, drink_id, note) values (gen_random_uuid(), gen_random_uuid(), 'Bench', 'coffee', 'oat milk')`,
        )
        .then(() => {
          latencies.push(performance.now() - due)
        }),
    )
  }
  await Promise.all(commits)
  await client.end({ timeout: 5 })
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

const db = await benchDatabase()
const dir = await mkdtemp(join(tmpdir(), 'drinks-order-path-'))
const sql = postgres(db.url, { max: 1, onnotice: () => {} })
try {
  // The baseline: the same wrk against a server that parses the JSON and answers it.
  await writeFile(join(dir, 'bare.mjs'), bareServer)
  const barePort = await anyFreePort()
  const bare = startProcess(process.execPath, [join(dir, 'bare.mjs')], { env: { PORT: String(barePort) } })
  const bareAnswers = () =>
    fetch(`http://127.0.0.1:${barePort}/`, { method: 'POST', body: '{}' }).then(
      (response) => response.ok,
      () => false,
    )
  await waitFor(bareAnswers, START_TIMEOUT_MS, 'the bare server')
  const bareRun = await wrk(`http://127.0.0.1:${barePort}`, 32, seconds)
  await bare.stop()

  // BENCH_BEFORE=<a checkout of an earlier version>: its two shapes too, in the same run.
  const before = process.env.BENCH_BEFORE ? await allInOne('before: npm start', process.env.BENCH_BEFORE, []) : []
  const after = await allInOne('npm start', process.cwd(), profileFlags)

  const beforeDeployed = process.env.BENCH_BEFORE
    ? (await deployedShape('before: deployed', process.env.BENCH_BEFORE, join(dir, 'before'))).rows
    : []
  const { rows: deployed, fnRss, bundleKiB } = await deployedShape('deployed', process.cwd(), join(dir, 'after'))

  // The database's ceiling for a one-row INSERT into a table shaped like orders.
  const script = join(dir, 'one-row-insert.sql')
  await writeFile(
    script,
    "insert into bench_orders (id, guest_id, nickname, drink_id, note) values (gen_random_uuid(), gen_random_uuid(), 'Bench', 'coffee', 'oat milk');\n",
  )
  await sql`create table bench_orders (id uuid primary key, number integer generated always as identity, guest_id uuid, nickname text, drink_id text, note text, created_at timestamptz default now())`
  const floor = await commitFloor(db.url, 200, seconds)
  const ceiling = pgbench(db.url, script, { clients: 16, seconds })

  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–')
  const lines = [
    `| run (${seconds} s each) | answers/s | 201 | 503 | other | POST → bar p50 ms | p99 ms | POST → 201 p99 ms | POST → 503 p99 ms | delivered / 201 | duplicates | CPU ms / order |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| bare node:http, same JSON, wrk 32 connections | ${f(bareRun.perSecond, 0)} | | | | | | | | | | |`,
    `| pgbench one-row INSERT, 16 clients | ${f(ceiling, 0)} tx/s | | | | | | | | | | |`,
    `| one-row INSERT committed at 200/s (postgres.js), due → committed | 200 | | | | ${f(floor.p50)} | ${f(floor.p99)} | | | | | |`,
    ...[...before, ...after, ...beforeDeployed, ...deployed].map(
      (r) =>
        `| ${r.run} | ${f(r.perSecond, 0)} | ${r.created} | ${r.overloaded} | ${r.other} | ${f(r.p50)} | ${f(r.p99)} | ${r.answeredP99 === undefined ? '' : f(r.answeredP99)} | ${r.refusedP99 === undefined ? '' : f(r.refusedP99)} | ${r.delivered} / ${r.created} | ${r.duplicates} | ${f(r.cpuPerOrder, 2)} |`,
    ),
  ]
  const notes = [...before, ...after, ...beforeDeployed, ...deployed]
    .filter((r) => r.note)
    .map((r) => `${r.run}: ${r.note}`)
  const goals = (rows: Row[], shape: string) => {
    const [steady, sat] = rows as [Row, Row, Row]
    const ordersPerSecond = sat.created / seconds
    return [
      `${shape}: orders/s at saturation ${f(ordersPerSecond, 0)}; / bare node:http ${f(ordersPerSecond / bareRun.perSecond, 3)} (goal ≥ 0.25); / pgbench ${f(ordersPerSecond / ceiling, 2)} (goal ≥ 1); absolute goal ≥ 10,000/s`,
      `${shape}: p99 POST → bar at 200/s ${f(steady.p99)} ms (goal ≤ 5; the database alone commits a one-row INSERT at 200/s with p99 ${f(floor.p99)} ms); at saturation ${f(sat.p99)} ms (goal ≤ 250); duplicates ${rows.reduce((n, r) => n + r.duplicates, 0)} (goal 0)`,
    ]
  }
  console.log(
    [
      '',
      ...lines,
      '',
      ...notes,
      `deployed place-order: bundle ${f(bundleKiB, 0)} KiB (goal ≤ 250), RSS ${f(fnRss)} MB after its runs with the heap sized as in a 192Mi pod`,
      `the wait for deliveries ends when every 201 arrived or ${SETTLE_MS / 1000} s after the run`,
      '',
      ...(before.length > 0 ? goals(before, 'before: npm start') : []),
      ...goals(after, 'npm start'),
      ...(beforeDeployed.length > 0 ? goals(beforeDeployed, 'before: deployed') : []),
      ...goals(deployed, 'deployed'),
      '',
    ].join('\n'),
  )
} finally {
  await sql.end({ timeout: 5 })
  await rm(dir, { recursive: true, force: true })
  await db.drop()
}
