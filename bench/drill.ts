/**
 * `npm run drill`: the failures of a venue night, on real processes on loopback, under a steady
 * load of orders: (a) a broker replica SIGKILLed, (b) Postgres restarted. The drill owns its
 * Postgres (a throwaway cluster made with the machine's initdb and pg_ctl), runs two broker
 * replicas behind a TCP forwarder standing in for the load balancer, the place-order, menu and list-orders
 * functions, guests (the page's own session), the bar display's session and a printer on a
 * persistent session. For each failure it prints what guests, the bar and the printer saw and
 * for how long, and the counts: acknowledged, stored, delivered, duplicates.
 *
 *   npm run drill [-- --guests 50 --rate 50]
 *
 * Exits 1 when an acknowledged order is missing from the database afterwards.
 */
import { randomUUID } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { mqttPath } from '../contract/index.ts'
import { startPostgresCluster } from '../test/postgres-cluster.ts'
import { startForwarder } from './drill-forwarder.ts'
import { startDrillPrinter } from './drill-printer.ts'
import { type Observed, report } from './drill-report.ts'
import { cpuMs } from './lib.ts'
import { now } from './venue-guests.ts'
import { Guests, openBar, type Placed, postOrders } from './venue-load.ts'
import { type BrokerPart, migrateAll, startBrokerPart, startFunctionPart } from './venue-system.ts'

const { values: args } = parseArgs({
  options: {
    guests: { type: 'string', default: '50' },
    rate: { type: 'string', default: '50' },
  },
})
const rate = Number(args.rate)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits for `condition`, polling, `timeoutMs` at most; says whether it held. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) return false
    await sleep(100)
  }
  return true
}

const ready = async (broker: BrokerPart) =>
  (await fetch(`http://127.0.0.1:${broker.ports.http}/api/readyz`).catch(() => null))?.ok ?? false

console.log(
  `drill: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
const cluster = await startPostgresCluster()
const sql = postgres(cluster.url, { max: 2, onnotice: () => {} })
await migrateAll(cluster.url)
let a = await startBrokerPart(cluster.url)
const b = await startBrokerPart(cluster.url)
const ws = await startForwarder([a.ports.http, b.ports.http])
const tcp = await startForwarder([a.ports.mqtt, b.ports.mqtt])
const fn = await startFunctionPart('place-order', cluster.url, `mqtt://127.0.0.1:${tcp.port}`)
const menu = await startFunctionPart('menu', cluster.url, `mqtt://127.0.0.1:${tcp.port}`)
const list = await startFunctionPart('list-orders', cluster.url, `mqtt://127.0.0.1:${tcp.port}`)
const wsUrl = `ws://127.0.0.1:${ws.port}${mqttPath}`
const guests = new Guests(Number(args.guests), 1)
const bar = openBar(wsUrl, list.base)
const printer = startDrillPrinter(`mqtt://127.0.0.1:${tcp.port}`)
// A new guest for every order, so that no guest reaches the limit of open orders.
const orderGuests = Array.from({ length: 20_000 }, () => randomUUID())
let seq = 0
let missing = 0

/** Runs `failure` under the steady load, from 3 s in, and collects what everyone saw. */
async function drill(title: string, failure: () => Promise<string[]>): Promise<Observed> {
  guests.tell({ type: 'watch' })
  bar.takeStates()
  const printerFrom = { connects: printer.connects.length, gaps: printer.gaps.length }
  const placed: Placed[] = []
  const parts = () => [fn.child.pid, a.child.pid, b.child.pid].map(cpuMs)
  const [fnBefore = 0, aBefore = 0, bBefore = 0] = parts()
  const guestsBefore = guests.cpuMs()
  const selfBefore = process.cpuUsage()
  const startedAt = performance.now()
  let stop = false
  const posting = postOrders(fn.base, orderGuests, rate, () => stop, seq, placed)
  await sleep(3000)
  const at = now()
  const extra = await failure()
  stop = true
  const wall = performance.now() - startedAt
  // A killed process has no CPU figure left to read.
  const share = (used: number) => (used < 0 ? 'killed' : `${Math.round((used / wall) * 100)}%`)
  const [fnNow = 0, aNow = 0, bNow = 0] = parts()
  const self = process.cpuUsage(selfBefore)
  extra.push(
    `| CPU while it ran (of one core) | place-order ${share(fnNow - fnBefore)}, brokers ${share(aNow - aBefore)} and ${share(bNow - bBefore)}, guests ${share(guests.cpuMs() - guestsBefore)}, this process (orders, forwarders, bar, printer) ${share((self.user + self.system) / 1000)}; load average ${loadavg()[0]?.toFixed(1)} | |`,
  )
  await posting
  seq += placed.length
  const acked = placed.filter((entry) => entry.status === 201 || entry.status === 200)
  // The outbox relay publishes what the functions could not, within seconds: wait for it.
  const shown = (seq: number) => bar.arrived.has(seq) || bar.caughtUp.has(seq)
  await until(() => acked.every((e) => shown(e.seq) && printer.received.has(e.id)), 20_000)
  const watched = await guests.ask({ type: 'watched' }, 'watched', 10_000)
  return { title, placed, at, watched, barStates: bar.takeStates(), bar, printer, printerFrom, extra }
}

try {
  await guests.open(() => wsUrl, 25)
  await until(() => printer.connects.length > 0, 10_000)
  console.log(`${args.guests} guests, the bar and a printer connected through the forwarder; orders at ${rate}/s`)

  const killed = await drill(`A broker replica SIGKILLed under ${rate} orders/s`, async () => {
    const onA = ws.open().get(a.ports.http) ?? 0
    await a.stop('SIGKILL')
    const killedAt = now()
    await sleep(12_000)
    return [
      `| (the killed replica held ${onA} WebSocket connections; the forwarder sends new ones to the other) | | |`,
      `| failure at | ${new Date(killedAt).toISOString()} | |`,
    ]
  })
  missing += await report(sql, killed)
  a = await startBrokerPart(cluster.url, { ports: a.ports })

  const restarted = await drill(`Postgres restarted (fast shutdown, 5 s away) under ${rate} orders/s`, async () => {
    const stoppedAt = now()
    await cluster.stop('fast')
    await sleep(5000)
    await cluster.start()
    const startedAt = now()
    const brokersBack = await until(async () => (await ready(a)) && (await ready(b)), 30_000)
    const brokersMs = now() - startedAt
    // A replica that is not ready says why in its own output.
    for (const [name, part] of [
      ['A', a],
      ['B', b],
    ] as const) {
      if (!(await ready(part)))
        console.log(`\nbroker ${name}'s output, last lines:\n${part.output().split('\n').slice(-30).join('\n')}`)
    }
    await sleep(8000)
    return [
      `| Postgres | away for ${((startedAt - stoppedAt) / 1000).toFixed(2)} s | |`,
      `| brokers' readiness | ${brokersBack ? 'both ready again, no restart' : 'NOT ready within 30 s'} | ${(brokersMs / 1000).toFixed(2)} s after Postgres was back |`,
    ]
  })
  // Answers while Postgres was away, and the first acknowledged order after it.
  const firstAfter = restarted.placed.filter((e) => e.status === 201 && e.sentAt > restarted.at + 5000)[0]
  restarted.extra.push(
    `| first order acknowledged after the restart | ${firstAfter ? `${(((firstAfter.answeredAt ?? 0) - restarted.at) / 1000).toFixed(2)} s after the stop` : 'none'} | |`,
  )
  // Does place-order serve again by itself? One order a second until one is acknowledged, 60 s at most.
  const probeStart = now()
  const serving = await until(async () => {
    const res = await fetch(`${fn.base}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ guestId: randomUUID(), nickname: 'probe', drinkId: 'water' }),
      signal: AbortSignal.timeout(1000),
    }).catch(() => null)
    return res?.status === 201
  }, 60_000)
  restarted.extra.push(
    `| place-order after the run, one order at a time | ${serving ? `acknowledged again ${((now() - probeStart) / 1000).toFixed(1)} s after the load stopped` : 'NOT serving 60 s after the load stopped'} | |`,
  )
  // A function that stopped serving says why in its own output.
  if (!serving) console.log(`\nplace-order's output, last lines:\n${fn.output().split('\n').slice(-30).join('\n')}`)
  const fiveHundreds = restarted.placed.filter((e) => e.status >= 500 && e.status !== 503).length
  missing += await report(sql, restarted)
  if (fiveHundreds) console.log(`\n${fiveHundreds} answer(s) were 5xx other than 503`)
} finally {
  bar.end()
  await printer.stop()
  await guests.close()
  await Promise.all([fn.stop(), menu.stop(), list.stop(), a.stop(), b.stop()])
  await Promise.all([ws.close(), tcp.close()])
  await sql.end({ timeout: 1 })
  cluster.destroy()
}
console.log(
  `\nload average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
process.exit(missing > 0 ? 1 : 0)
