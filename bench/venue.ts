/**
 * A full venue night on loopback: guests on MQTT over WebSocket, each with the guest page's topics
 * (`public/menu`, `public/ticker`, its own `guests/<id>/orders`) and the page's own session code,
 * orders POSTed at 4/s to the place-order function, broker replicas and functions as processes
 * of their own on one Postgres. Prints: POST → every guest on one replica and split over two,
 * broker memory per idle guest, the Wi-Fi drop (every guest disconnected at once, back with the
 * page's reconnect policy, the bar display measured meanwhile), and QoS 1 to an online persistent
 * session (broker/bench/persistence-bench.ts).
 *
 *   npm run bench -- venue [--guests 2000] [--seconds 15] [--loaders 2] [--profile] [--no-qos] [--source]
 *
 * The brokers and functions run from the bundles the image holds (scripts/bundle.ts, built first
 * into a temporary folder), as their pods run them; `--source` runs them from the sources under
 * `tsx` instead, as the figures before 2026-12-01 16:00 UTC were taken.
 *
 * Every wait is bounded; everything runs on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { bundle } from '../scripts/bundle.ts'
import { benchDatabase, rssBytes } from './lib.ts'
import { Guests, openBar } from './venue-load.ts'
import { fanOut, type PhaseResult, wifiDrop } from './venue-phases.ts'
import { summariseProfile } from './venue-profile.ts'
import { type BrokerPart, databaseWork, migrateAll, startBrokerPart, startFunctionPart } from './venue-system.ts'

const { values: args } = parseArgs({
  options: {
    guests: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
    loaders: { type: 'string', default: '2' },
    rate: { type: 'string', default: '4' },
    profile: { type: 'boolean', default: false },
    'no-qos': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
  },
})
const guestCount = Number(args.guests)
const seconds = Number(args.seconds)
const loaders = Number(args.loaders)
const rate = Number(args.rate)
const average = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const say = (line: string) => console.log(line)

const db = await benchDatabase()
const database = new URL(db.url).pathname.slice(1)
await migrateAll(db.url)
const stats = postgres(db.url, { max: 1, onnotice: () => {} })
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'venue-profile-')) : undefined
const bundleDir = args.source ? undefined : mkdtempSync(join(tmpdir(), 'venue-bundles-'))
if (bundleDir) await bundle({ outDir: bundleDir })
// Room for every guest, the bar and the functions on one replica, all from one loopback address.
const maxConnections = guestCount + 100
const a = await startBrokerPart(db.url, { profileDir, maxConnections, bundleDir })
const placeOrder = await startFunctionPart('place-order', db.url, a.url, bundleDir)
// The menu function publishes the retained `public/menu` at start, as in the cluster.
const menu = await startFunctionPart('menu', db.url, a.url, bundleDir)
let b: BrokerPart | undefined
const bar = openBar(a.wsUrl)
let guests = new Guests(guestCount, loaders)
const results: PhaseResult[] = []
const profiles: string[] = []
const common = { database, bar, base: placeOrder.base, rate, functions: [placeOrder] }

const statsFlushMs = 11_000
/** How long the broker idles before its memory is read: V8 shrinks its young generation by then. */
const idleSettleMs = 30_000
type Work = Awaited<ReturnType<typeof databaseWork>>
let perOrder: Work | undefined

/**
 * Runs a phase; with --profile, broker A's CPU profile covers it. The database's work is counted
 * per order, or per guest back after the Wi-Fi drop, less the work of the orders placed meanwhile
 * (at the two-replica run's rate per order).
 */
async function measured(title: string, perGuest: boolean, run: () => Promise<PhaseResult>) {
  // Backends report their counts to pg_stat_database within 10 s of going idle: let the work
  // of what came before arrive, and this run's after it.
  await settle(statsFlushMs)
  const before = await databaseWork(stats, database)
  if (profileDir) a.child.kill('SIGUSR2')
  const result = await run()
  if (profileDir) {
    a.child.kill('SIGUSR2')
    profiles.push(title)
  }
  await settle(statsFlushMs)
  const after = await databaseWork(stats, database)
  const work = (key: keyof Work) => {
    const total = after[key] - before[key]
    if (!perGuest) return total / result.orders
    return (total - result.orders * (perOrder?.[key] ?? 0)) / guestCount
  }
  const each: Work = { commits: work('commits'), inserted: work('inserted'), deleted: work('deleted') }
  if (!perGuest) perOrder = each
  result.detail += `; database per ${perGuest ? 'guest back (orders placed meanwhile subtracted)' : 'order'}: ${each.commits.toFixed(1)} transactions, ${each.inserted.toFixed(1)} rows inserted, ${each.deleted.toFixed(1)} deleted`
  results.push(result)
}

try {
  say(`\n${guestCount} guests in ${guests.children.length} load processes, orders at ${rate}/s, ${seconds} s per run`)
  say(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average at start ${average()}`)
  say(
    `brokers and functions: ${bundleDir ? 'the bundles, as their pods run them' : 'the sources under tsx (--source)'}`,
  )

  // Memory: the broker's resident set before and after every guest connected and went idle. The
  // connections' storm grows V8's young generation (16 → 32 MB here), which V8 gives back once
  // the process has been idle for some seconds: read 5 s after the last guest, as earlier figures
  // were, and once settled (`idleSettleMs` of idling, at both ends).
  await settle(idleSettleMs)
  const rssBefore = rssBytes(a.child.pid)
  const opening = performance.now()
  await guests.open(() => a.wsUrl)
  say(
    `all ${guestCount} guests connected, subscribed and holding the menu in ${Math.round(performance.now() - opening)} ms`,
  )
  await settle(5000)
  const rssSoon = rssBytes(a.child.pid)
  await settle(idleSettleMs - 5000)
  const rssAfter = rssBytes(a.child.pid)
  const perGuestKb = (rss: number) => ((rss - rssBefore) / guestCount / 1024).toFixed(1)
  const mb = (rss: number) => (rss / 2 ** 20).toFixed(1)

  await measured('broker A during the one-replica fan-out', false, () =>
    fanOut({ ...common, label: 'one replica', guests, seconds, firstSeq: 0, brokers: [a] }),
  )

  // Two replicas: the same guests, half on each; functions and the bar stay on the first.
  b = await startBrokerPart(db.url, { maxConnections, bundleDir })
  await guests.close()
  guests = new Guests(guestCount, loaders)
  const replicas = [a, b]
  await guests.open((i) => (replicas[i % 2] as BrokerPart).wsUrl)
  await measured('broker A (half the guests, the bar, the functions) during the two-replica fan-out', false, () =>
    fanOut({ ...common, label: 'two replicas', guests, seconds, firstSeq: 10_000, brokers: replicas }),
  )
  await measured('broker A during the Wi-Fi drop', true, () =>
    wifiDrop({ ...common, guests, firstSeq: 20_000, brokers: replicas }),
  )

  say(
    '\n| run | POST → guest p50 | p99 | max | delivered (distinct) | duplicates | bar p99 | CPU: brokers / functions / guests / postgres |',
  )
  say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const r of results) say(r.row)
  say(
    `\nbroker RSS per idle guest connection: ${perGuestKb(rssAfter)} KB settled (${mb(rssBefore)} MB → ${mb(rssAfter)} MB for ${guestCount}, ${idleSettleMs / 1000} s idle at both ends); ${perGuestKb(rssSoon)} KB 5 s after the last guest (${mb(rssSoon)} MB)`,
  )
  for (const r of results) say(r.detail ?? '')
  say(`load average after the runs: ${average()}`)
} finally {
  bar.end()
  await guests.close()
  await Promise.all([placeOrder.stop(), menu.stop(), b?.stop()])
  await a.stop()
  await stats.end({ timeout: 1 })
  await db.drop()
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true })
}

if (profileDir) {
  const files = readdirSync(profileDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
  for (const [i, file] of files.entries()) say(summariseProfile(join(profileDir, file), profiles[i] ?? file))
}

if (!args['no-qos']) {
  // QoS 1 to an online persistent session: the persistence bench's own scenario, in-memory against Postgres.
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'broker/bench/persistence-bench.ts'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_SCENARIOS: 'online-persistent', BENCH_CONFIGS: 'memory,postgres', BENCH_RUNS: '3' },
    timeout: 600_000,
  })
  console.log(out.stdout, out.stderr)
  const ratio = /online-persistent\s+postgres\s+ratio to memory ([\d.]+)/.exec(out.stdout)?.[1]
  say(`QoS 1 to an online persistent session, Postgres / in-memory: ${ratio ?? 'not measured (see above)'}`)
}
say(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
