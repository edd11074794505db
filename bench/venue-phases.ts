/** The measured runs of the venue bench: fan-out at a steady rate, and the Wi-Fi drop. */
import { scrape } from '../test/prometheus.ts'
import { percentile } from '../test/stats.ts'
import { waitFor } from '../test/wait.ts'
import { cpuMs } from './lib.ts'
import type { GuestReport } from './venue-guests.ts'
import { type Guests, type openBar, type Placed, postOrders } from './venue-load.ts'
import { postgresCpuMs } from './venue-system.ts'

interface Process {
  child: { pid?: number | undefined }
  /** A broker's HTTP port, where its /metrics is. */
  ports?: { http: number }
}

interface PhaseOptions {
  /** The scratch database's name, whose backends' CPU is counted. */
  database: string
  guests: Guests
  bar: ReturnType<typeof openBar>
  base: string
  rate: number
  firstSeq: number
  brokers: Process[]
  functions: Process[]
}

export interface PhaseResult {
  /** One row of the bench's table. */
  row: string
  detail?: string
  p99: number
  /** Orders acknowledged during the run. */
  orders: number
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–')
const sorted = (values: number[]) => values.sort((x, y) => x - y)
const acknowledged = (placed: Placed[]) => placed.filter((entry) => entry.status === 201 || entry.status === 200)

/**
 * The longest the first broker's event loop ran late since the previous call, in ms: each scrape
 * of its /metrics starts the figure anew. Every client of that replica, the bar among them,
 * waited at least that long once.
 */
async function loopStallMs([broker]: Process[]): Promise<number> {
  if (!broker?.ports) return Number.NaN
  return scrape(`http://127.0.0.1:${broker.ports.http}/metrics`).then(
    (metrics) => metrics.value('nodejs_eventloop_lag_max_seconds') * 1000,
    () => Number.NaN,
  )
}

/** CPU of each group of processes over a phase, as a share of one core. */
function cpuMeter({
  brokers,
  functions,
  guests,
  database,
}: Pick<PhaseOptions, 'brokers' | 'functions' | 'guests' | 'database'>) {
  const read = () => [
    brokers.reduce((sum, part) => sum + cpuMs(part.child.pid), 0),
    functions.reduce((sum, part) => sum + cpuMs(part.child.pid), 0),
    guests.cpuMs(),
    postgresCpuMs(database),
  ]
  const start = read()
  const startedAt = performance.now()
  return () => {
    const wall = performance.now() - startedAt
    return read()
      .map((value, i) => `${Math.round(((value - (start[i] as number)) / wall) * 100)}%`)
      .join(' / ')
  }
}

/** Whether `condition` came to hold within `timeoutMs`; asked every 250 ms, as a bench's conditions are costly. */
const cameTrue = (condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) =>
  waitFor(condition, timeoutMs, what, 250).then(
    () => true,
    () => false,
  )

function barLatencies(bar: PhaseOptions['bar'], placed: Placed[]): number[] {
  return sorted(
    placed.flatMap((entry) => {
      const at = bar.arrived.get(entry.seq)
      return at === undefined ? [] : [at - entry.sentAt]
    }),
  )
}

/** Orders at a steady rate for `seconds`; latency from each POST to every guest's ticker and to its own guest. */
export async function fanOut(options: PhaseOptions & { label: string; seconds: number }): Promise<PhaseResult> {
  const { guests, bar, base, rate, seconds, firstSeq, label } = options
  guests.tell({ type: 'reset' })
  const cpu = cpuMeter(options)
  await loopStallMs(options.brokers)
  const placed = await postOrders(base, guests.ids, rate, (elapsed) => elapsed >= seconds * 1000, firstSeq)
  const stall = await loopStallMs(options.brokers)
  const ok = acknowledged(placed)
  const wanted = ok.length * guests.ids.length
  // Everything sent is in flight for a moment: wait until it all arrived, 15 s at most.
  await cameTrue(
    async () => {
      const counts = await guests.ask({ type: 'count' }, 'count', 10_000)
      return (
        counts.reduce((sum, c) => sum + c.ticker, 0) >= wanted && counts.reduce((sum, c) => sum + c.own, 0) >= ok.length
      )
    },
    15_000,
    'every message delivered',
  )
  const usage = cpu()
  const reports = await guests.ask({ type: 'report' }, 'report', 60_000)
  const latencies: number[] = []
  let tickerDelivered = 0
  let ownDelivered = 0
  for (const entry of ok) {
    for (const report of reports) {
      for (const at of report.ticker[entry.seq] ?? []) latencies.push(at - entry.sentAt)
      tickerDelivered += report.ticker[entry.seq]?.length ?? 0
      const own = report.own[entry.seq]
      if (own !== undefined) {
        latencies.push(own - entry.sentAt)
        ownDelivered++
      }
    }
  }
  sorted(latencies)
  const duplicates = reports.reduce((sum, report) => sum + report.duplicates, 0)
  const barMs = barLatencies(bar, ok)
  const p99 = percentile(latencies, 99)
  const answers = sorted(ok.map((entry) => (entry.answeredAt ?? Number.NaN) - entry.sentAt))
  return {
    p99,
    orders: ok.length,
    detail: `${label}: POST → 201 p50 ${ms(percentile(answers, 50))}, p99 ${ms(percentile(answers, 99))}; POST → bar p50 ${ms(percentile(barMs, 50))}; broker A's longest event-loop stall ${ms(stall)}`,
    row:
      `| ${label}: ${ok.length}/${placed.length} orders acknowledged | ${ms(percentile(latencies, 50))} | ${ms(p99)} | ${ms(latencies.at(-1) ?? Number.NaN)} ` +
      `| ticker ${tickerDelivered}/${wanted}, own ${ownDelivered}/${ok.length} | ${duplicates} | ${ms(percentile(barMs, 99))} | ${usage} |`,
  }
}

/**
 * Every guest's connection broken at the same instant, under orders at `rate`: how long until
 * each guest is subscribed again and holds the retained menu (the page's reconnect policy),
 * and what the bar display saw meanwhile.
 */
export async function wifiDrop(options: PhaseOptions): Promise<PhaseResult> {
  const { guests, bar, base, rate, firstSeq } = options
  let stopAt = Number.POSITIVE_INFINITY
  const placed: Placed[] = []
  const posting = postOrders(base, guests.ids, rate, (elapsed) => elapsed >= stopAt, firstSeq, placed)
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const cpu = cpuMeter(options)
  await loopStallMs(options.brokers)
  const droppedAt = performance.now()
  const fromSeq = firstSeq + placed.length
  guests.tell({ type: 'drop' })
  // Every guest lost its connection; done when each holds the menu again, 60 s at most.
  let watched: Extract<GuestReport, { type: 'watched' }>[] = []
  const allBack = await cameTrue(
    async () => {
      watched = await guests.ask({ type: 'watched' }, 'watched', 10_000)
      const offline = watched.flatMap((w) => w.offlineMs)
      return offline.length === guests.ids.length && offline.every((ms) => ms >= 0)
    },
    60_000,
    'every guest back',
  )
  const allBackMs = performance.now() - droppedAt
  const stall = await loopStallMs(options.brokers)
  const usage = cpu()
  stopAt = 0
  await posting
  const during = acknowledged(placed).filter((entry) => entry.seq >= fromSeq)
  await cameTrue(() => during.every((entry) => bar.arrived.has(entry.seq)), 10_000, 'the bar caught up')
  const barMs = barLatencies(bar, during)
  const back = sorted(watched.flatMap((w) => w.offlineMs).filter((ms) => ms >= 0))
  const missing = guests.ids.length - back.length
  const attempts = sorted(watched.flatMap((w) => w.attempts))
  const retried = attempts.filter((n) => n > 1).length
  const error = allBack ? '' : ' (not all back within 60 s)'
  return {
    p99: percentile(back, 99),
    orders: acknowledged(placed).length,
    row:
      `| Wi-Fi drop: ${guests.ids.length} guests back (subscribed, menu held) | ${ms(percentile(back, 50))} | ${ms(percentile(back, 99))} | ${ms(back.at(-1) ?? Number.NaN)} ` +
      `| ${back.length}/${guests.ids.length}${error} | | ${ms(percentile(barMs, 99))} (${barMs.length}/${during.length} orders) | ${usage} |`,
    detail: `Wi-Fi drop: every guest back by ${ms(allBackMs)} (polled)${missing ? `, ${missing} not back` : ''}; bar p50 ${ms(percentile(barMs, 50))}, p99 ${ms(percentile(barMs, 99))}, max ${ms(barMs.at(-1) ?? Number.NaN)} over ${during.length} orders placed meanwhile; connection attempts per guest: median ${percentile(attempts, 50)}, max ${attempts.at(-1)}, ${retried} guests needed more than one; broker A's longest event-loop stall ${ms(stall)}`,
  }
}
