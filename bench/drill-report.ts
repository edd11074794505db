/** What the drill prints for each failure: what guests, the bar and a printer saw, and the counts. */
import type postgres from 'postgres'
import { percentile } from '../test/stats.ts'
import type { startDrillPrinter } from './drill-printer.ts'
import type { GuestReport } from './venue-guests.ts'
import type { openBar, Placed } from './venue-load.ts'

export interface Observed {
  title: string
  placed: Placed[]
  /** Epoch ms of the failure. */
  at: number
  watched: Extract<GuestReport, { type: 'watched' }>[]
  barStates: string[]
  bar: ReturnType<typeof openBar>
  printer: ReturnType<typeof startDrillPrinter>
  /** How many printer connections and gaps there were before this drill. */
  printerFrom: { connects: number; gaps: number }
  extra: string[]
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–')

/** Offline periods from the bar session's `<epoch ms> <state>` lines, in ms. */
function offlinePeriods(states: string[]): number[] {
  const periods: number[] = []
  let since: number | undefined
  for (const line of states) {
    const [at, state] = line.split(' ')
    if (state === 'offline' && since === undefined) since = Number(at)
    if (state === 'online' && since !== undefined) {
      periods.push(Number(at) - since)
      since = undefined
    }
  }
  if (since !== undefined) periods.push(Number.POSITIVE_INFINITY)
  return periods
}

/** Prints one drill's table and counts; returns the acknowledged orders missing from the database. */
export async function report(sql: postgres.Sql, o: Observed): Promise<number> {
  const statuses = new Map<string, number>()
  for (const entry of o.placed) {
    const key = entry.status === -1 ? 'no answer' : String(entry.status)
    statuses.set(key, (statuses.get(key) ?? 0) + 1)
  }
  const acked = o.placed.filter((entry) => entry.status === 201 || entry.status === 200)
  const ids = acked.map((entry) => entry.id)
  const stored = ids.length ? (await sql`select id from orders where id in ${sql(ids)}`).length : 0
  const live = acked.filter((entry) => o.bar.arrived.has(entry.seq)).length
  const caught = acked.filter((entry) => !o.bar.arrived.has(entry.seq) && o.bar.caughtUp.has(entry.seq)).length
  const atBar = live + caught
  const atPrinter = acked.filter((entry) => o.printer.received.has(entry.id)).length

  const lost = o.watched.reduce((sum, w) => sum + w.lost, 0)
  const guests = o.watched.reduce((sum, w) => sum + w.guests, 0)
  const offline = o.watched.flatMap((w) => w.offlineMs).sort((x, y) => x - y)
  const notBack = offline.filter((ms) => ms < 0).length
  const back = offline.filter((ms) => ms >= 0)
  const attempts = o.watched.flatMap((w) => w.attempts).sort((x, y) => x - y)
  const barGaps = offlinePeriods(o.barStates)
  const connects = o.printer.connects.slice(o.printerFrom.connects)
  const gaps = o.printer.gaps.slice(o.printerFrom.gaps)
  const newSessions = connects.filter((c) => !c.resumed).length

  console.log(`\n### ${o.title}\n`)
  console.log('| who | what they saw | for how long |\n| --- | --- | ---: |')
  console.log(
    `| guests | ${lost} of ${guests} lost their connection; ${lost - notBack} back, subscribed and holding the menu${notBack ? `, ${notBack} NOT back` : ''}; connection attempts each: ${attempts.length ? `median ${percentile(attempts, 50)}, max ${attempts.at(-1)}` : 'none'} | p50 ${seconds(percentile(back, 50))}, max ${seconds(back.at(-1) ?? 0)} |`,
  )
  console.log(
    `| bar display | ${barGaps.length ? `${barGaps.length} disconnection(s)` : 'stayed connected'}; ${atBar} of ${acked.length} acknowledged orders shown: ${live} live (${o.bar.duplicates()} twice), ${caught} only by its catch-up from GET /api/orders | ${barGaps.length ? seconds(Math.max(...barGaps)) : '0 s'} |`,
  )
  console.log(
    `| printer (clean: false) | ${gaps.length ? `${gaps.length} disconnection(s), ${connects.length} reconnect(s), ${newSessions ? `${newSessions} with its SESSION LOST` : 'session resumed each time'}` : 'stayed connected'}; ${atPrinter} of ${acked.length} printed, ${o.printer.duplicates()} twice | ${gaps.length ? seconds(Math.max(...gaps.map((g) => (g.to ?? Number.POSITIVE_INFINITY) - g.from))) : '0 s'} |`,
  )
  console.log(
    `| functions (POST /api/orders) | ${[...statuses].map(([status, n]) => `${status} ×${n}`).join(', ')} | |`,
  )
  for (const line of o.extra) console.log(line)
  console.log(
    `\ncounts: ${o.placed.length} sent, ${acked.length} acknowledged, ${stored} stored, delivered to the bar ${atBar} (+${o.bar.duplicates()} duplicates), to the printer ${atPrinter} (+${o.printer.duplicates()} duplicates); acknowledged but lost: ${acked.length - stored} from the database, ${acked.length - atBar} at the bar, ${acked.length - atPrinter} at the printer; printer sessions lost: ${newSessions}`,
  )
  return acked.length - stored
}
