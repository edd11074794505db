/**
 * The order path under load, on loopback: orders per second, and the latency from sending
 * POST /api/orders to a bar subscriber receiving the order, at a fixed 200 orders/s and at
 * saturation; beside it, in the same run, the database's ceiling for a one-row INSERT (pgbench).
 * At saturation the load comes from wrk (Debian's `wrk`) when installed, which leaves the
 * cores to the server; the latency there is from the order's commit (`createdAt`) to the bar.
 *
 *   npm run bench -- order-path
 */
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import postgres from 'postgres'
import { anyFreePort } from '../runtime/ports.ts'
import { benchDatabase, percentile, pgbench, startProcess } from './lib.ts'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
/** BENCH_PROFILE=<dir>: the server writes a CPU profile there (open it in Chrome's DevTools). */
const profileFlags = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
const tokens = { BAR_TOKEN: 'bench-bar', PRINTER_TOKEN: 'bench-printer', SERVICE_TOKEN: 'bench-service' }

const db = await benchDatabase()
const [port, mqttPort] = [await anyFreePort(), await anyFreePort()]
const base = `http://127.0.0.1:${port}`
const server = await startProcess(
  process.execPath,
  [...profileFlags, '--import', 'tsx', 'server/start.ts'],
  {
    ...tokens,
    DATABASE_URL: db.url,
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    RATE_LIMIT_GUEST: '1000000',
    RATE_LIMIT_ADDRESS: '1000000',
  },
  async () => (await fetch(`${base}/api/readyz`)).ok,
)

const bar = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'bar', password: tokens.BAR_TOKEN })
await bar.subscribeAsync('bar/orders', { qos: 1 })
const sentAt = new Map<string, number>()
const toBar: number[] = []
const commitToBar: number[] = []
bar.on('message', (_, payload) => {
  const { event, order } = JSON.parse(payload.toString()) as { event: string; order: { id: string; createdAt: string } }
  if (event !== 'placed') return
  commitToBar.push(Date.now() - Date.parse(order.createdAt))
  const at = sentAt.get(order.id)
  if (at !== undefined) {
    toBar.push(performance.now() - at)
    sentAt.delete(order.id)
  }
})

async function placeOne(): Promise<boolean> {
  const id = randomUUID()
  sentAt.set(id, performance.now())
  const res = await fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, guestId: randomUUID(), nickname: 'Bench', drinkId: 'coffee', note: 'oat milk' }),
  })
  await res.arrayBuffer()
  return res.status === 201
}

async function fixedRate(perSecond: number) {
  toBar.length = 0
  const total = perSecond * seconds
  const start = performance.now()
  const pending: Promise<boolean>[] = []
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(placeOne())
  }
  const ok = (await Promise.all(pending)).filter(Boolean).length
  return summary(ok, (performance.now() - start) / 1000, toBar)
}

async function saturation(concurrency: number) {
  toBar.length = 0
  const start = performance.now()
  const until = start + seconds * 1000
  let ok = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) if (await placeOne()) ok++
    }),
  )
  return summary(ok, (performance.now() - start) / 1000, toBar)
}

/** Waits (10 s at most) until the bar received every acknowledged order, then sums up. */
async function summary(ok: number, elapsedSeconds: number, latencies: number[]) {
  const until = Date.now() + 10_000
  while (latencies.length < ok && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    ordersPerSecond: ok / elapsedSeconds,
    received: sorted.length,
    ok,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  }
}

/** Saturation driven by wrk: each request a new guest, so the open-order limit never refuses. */
async function wrkSaturation(connections: number) {
  commitToBar.length = 0
  const script = join(tmpdir(), 'place-order.lua')
  writeFileSync(
    script,
    `wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
request = function()
  return wrk.format(nil, "/api/orders", nil, '{"guestId":"' .. uuid() .. '","nickname":"Bench","drinkId":"coffee","note":"oat milk"}')
end
`,
  )
  const out = spawnSync(
    'wrk',
    ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '-s', script, `${base}/api/orders`],
    {
      encoding: 'utf8',
    },
  ).stdout
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return summary(requests - non2xx, seconds, commitToBar)
}

const hasWrk = spawnSync('wrk', ['--version']).error === undefined
await saturation(8) // warm-up: JIT, pools, caches
const steady = await fixedRate(200)
const saturated = await saturation(32)
const withWrk = hasWrk ? await wrkSaturation(32) : null
await bar.endAsync()
await server.stop()

const script = join(tmpdir(), 'one-row-insert.sql')
writeFileSync(
  script,
  "insert into bench_orders (id, guest_id, nickname, drink_id, note) values (gen_random_uuid(), gen_random_uuid(), 'Bench', 'coffee', 'oat milk');\n",
)
const sql = postgres(db.url, { max: 1, onnotice: () => {} })
await sql`create table bench_orders (id uuid primary key, number integer generated always as identity, guest_id uuid, nickname text, drink_id text, note text, created_at timestamptz default now())`
await sql.end()
const ceiling = pgbench(db.url, script, { clients: 16, seconds })
await db.drop()

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–')
console.log(`
| run (${seconds} s each) | orders/s | POST → bar p50 (ms) | p99 (ms) | delivered to bar |
| --- | --- | --- | --- | --- |
| fixed 200 orders/s | ${f(steady.ordersPerSecond)} | ${f(steady.p50)} | ${f(steady.p99)} | ${steady.received}/${steady.ok} |
| saturation, 32 in flight (Node client) | ${f(saturated.ordersPerSecond)} | ${f(saturated.p50)} | ${f(saturated.p99)} | ${saturated.received}/${saturated.ok} |
${withWrk ? `| saturation, 32 connections (wrk; commit → bar) | ${f(withWrk.ordersPerSecond)} | ${f(withWrk.p50)} | ${f(withWrk.p99)} | ${withWrk.received}/${withWrk.ok} |` : '| saturation with wrk | not run: wrk is not installed | | | |'}
| pgbench one-row INSERT, 16 clients | ${f(ceiling)} tx/s | | | |

Order path at saturation / database ceiling: ${(Math.max(saturated.ordersPerSecond, withWrk?.ordersPerSecond ?? 0) / ceiling).toFixed(2)}
`)
