import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes'
import type { Sql } from 'postgres'
import * as v from 'valibot'
import {
  ALL_STATIONS,
  type Locale,
  locales,
  type Menu,
  MenuSchema,
  macOfCloudprntUsername,
  type Order,
  OrderEventSchema,
  topics,
} from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import { handlePrinterMessage } from './printer-messages.ts'
import { printJob } from './ticket.ts'

export interface CloudprntBridgeOptions {
  broker: Aedes
  sql: Sql
  log: Logger
  /** Called when a printer's state changed (status, result, will), so bar/status follows at once. */
  onStatus?: () => void
  /**
   * A job not marked sent this long after it was stored is sent again (ms): the replica that
   * stored it died. Long enough for a loaded broker to store the job in an offline session's
   * queue, since a printer remembers only its last 10 tokens. Default 30 s.
   */
  leaseMs?: number
  /** How often unsent jobs are looked for (ms). Default 2 s. */
  sweepMs?: number
  /** Jobs sent again per sweep. Default 100. */
  batch?: number
  /** Orders waiting to be turned into jobs; beyond, an order is logged and left out. Default 1,000. */
  maxPending?: number
  /** Jobs are kept this long (ms) to drop a repeated order, then deleted. Default 1 day. */
  retentionMs?: number
  /**
   * A printer that connects without a stored session (its first time, or its session was lost)
   * gets the jobs of this age (ms) it never answered: sent before it had a queue. Default 30 min.
   */
  catchUpMs?: number
}

const stationOrders = topics.stationOrders('+')
const stationOf = (topic: string) => (topic === topics.barOrders ? ALL_STATIONS : (topic.split('/')[2] ?? ''))

interface RetainedSource {
  persistence: { createRetainedStream(pattern: string): AsyncIterable<unknown> }
}

interface JobRow {
  mac: string
  order_id: string
  payload: string
}

/**
 * Sends every new order to the CloudPRNT printers registered to its station (or to `all`) as a
 * `print-job` on `star/cloudprnt/to-device/<mac>/print-job`, QoS 1, the order id as job token.
 * A job is a row of `cloudprnt_jobs` before it is sent: whichever replica inserts it sends it,
 * so without faults each printer gets each order once; a job whose sending was not confirmed
 * (the process died) is sent again after the lease, and the printer drops the repeated token
 * ("MQTT General Specification", duplicate reception). Offline printers get theirs from their
 * persistent session. Runs in the broker, fed by the broker itself, like the outbox relay.
 */
export function startCloudprntBridge(options: CloudprntBridgeOptions) {
  const { broker, sql, log, onStatus = () => {} } = options
  const { leaseMs = 30_000, sweepMs = 2000, batch = 100, maxPending = 1000, retentionMs = 86_400_000 } = options
  const { catchUpMs = 1_800_000 } = options
  const names = new Map<string, Menu['drinks'][number]['name']>()
  let stopped = false
  let failing = ''
  const warnOnce = (message: string) => {
    if (message !== failing) log.warn(`cloudprnt: ${message}`)
    failing = message
  }

  const publish = (row: JobRow) =>
    new Promise<void>((resolve, reject) => {
      const packet = {
        cmd: 'publish',
        topic: topics.cloudprntToDevice(row.mac, 'print-job'),
        payload: Buffer.from(row.payload),
        qos: 1,
        retain: false,
        dup: false,
      }
      broker.publish(packet as PublishPacket, (error) => (error ? reject(error) : resolve()))
    })

  /** Jobs this process is sending: the sweep leaves them alone, whatever their age. */
  const inFlight = new Set<string>()
  const key = (row: JobRow) => `${row.mac} ${row.order_id}`
  const sendJobs = async (rows: JobRow[]) => {
    for (const row of rows) inFlight.add(key(row))
    try {
      for (const row of rows) {
        // When the publish began: a printer that subscribed later did not have this one queued.
        const began = new Date()
        await publish(row)
        await sql`update cloudprnt_jobs set sent_at = ${began} where mac = ${row.mac} and order_id = ${row.order_id}`
      }
    } finally {
      for (const row of rows) inFlight.delete(key(row))
    }
  }

  /** The job of `order` in `languages`, stored for each printer of `station` that reads one of them. */
  const jobsFor = async (order: Order, station: string, languages: Locale[]) => {
    const payloads = languages.map((lang) => {
      const drink = names.get(order.drinkId)?.[lang] ?? order.drinkId
      return JSON.stringify(printJob(order, drink, lang))
    })
    const rows = await sql<JobRow[]>`
      insert into cloudprnt_jobs (mac, order_id, payload)
      select p.mac, ${order.id}, j.payload
      from cloudprnt_printers p
      join unnest(${sql.array(languages)}::text[], ${sql.array(payloads)}::text[]) as j (language, payload)
        on j.language = p.language
      where p.station = ${station}
      on conflict do nothing
      returning mac, order_id, payload`
    await sendJobs(rows)
  }

  /**
   * Orders waiting to become jobs, taken together: one query finds the printers of all their
   * stations, and an order of a station without one (most venues have none) costs nothing more.
   * A ticket is rendered only in the languages its station's printers read (about a millisecond
   * each). Beyond `maxPending` waiting, an order is left out and counted.
   */
  let waiting: { station: string; packet: AedesPublishPacket }[] = []
  let dropped = 0
  let draining: Promise<void> | undefined
  const drain = async () => {
    while (waiting.length > 0 && !stopped) {
      const taken = waiting
      waiting = []
      if (dropped > 0) {
        log.error(`cloudprnt: ${dropped} order(s) not printed: ${maxPending} were waiting`)
        dropped = 0
      }
      try {
        await jobsForOrders(taken)
        failing = ''
      } catch (error) {
        // The sweep sends what was stored; an order not stored at all is lost for these printers.
        warnOnce(`jobs for new orders: ${(error as Error).message}`)
      }
    }
    draining = undefined
  }
  const jobsForOrders = async (taken: typeof waiting) => {
    const stations = [...new Set(taken.map((entry) => entry.station))]
    const printers = await sql<{ station: string; language: Locale }[]>`
      select distinct station, language from cloudprnt_printers where station = any(${sql.array(stations)}::text[])`
    for (const { station, packet } of taken) {
      const languages = locales.filter((lang) => printers.some((p) => p.station === station && p.language === lang))
      if (languages.length === 0) continue
      const order = placedOrder(packet)
      if (order) await jobsFor(order, station, languages)
    }
  }
  const placedOrder = (packet: AedesPublishPacket): Order | undefined => {
    let body: unknown
    try {
      body = JSON.parse(packet.payload.toString())
    } catch {
      return undefined
    }
    const event = v.safeParse(OrderEventSchema, body)
    return event.success && event.output.event === 'placed' ? event.output.order : undefined
  }

  const onOrder = (packet: AedesPublishPacket, done: () => void) => {
    done()
    if (stopped) return
    if (waiting.length >= maxPending) {
      dropped++
      return
    }
    waiting.push({ station: stationOf(packet.topic), packet })
    draining ??= drain()
  }

  const onMenu = (packet: AedesPublishPacket, done: () => void) => {
    done()
    try {
      const menu = v.parse(MenuSchema, JSON.parse(packet.payload.toString()))
      for (const drink of menu.drinks) names.set(drink.id, drink.name)
    } catch {}
  }

  /** Per printer, its messages are handled one after another, in the order they came. */
  const printerChains = new Map<string, Promise<void>>()
  const onPrinter = (packet: AedesPublishPacket, done: () => void) => {
    done()
    const mac = packet.topic.split('/')[3] ?? ''
    const text = packet.payload.toString()
    const previous = printerChains.get(mac) ?? Promise.resolve()
    const next = previous
      .then(() => handlePrinterMessage(sql, packet.topic, text))
      .then(
        (changed) => {
          if (changed) onStatus()
        },
        (error: Error) => warnOnce(`printer message on ${packet.topic}: ${error.message}`),
      )
      .finally(() => {
        if (printerChains.get(mac) === next) printerChains.delete(mac)
      })
    printerChains.set(mac, next)
  }

  const sweep = async () => {
    await sql.begin(async (tx) => {
      const rows = await tx<JobRow[]>`
        select mac, order_id, payload from cloudprnt_jobs
        where sent_at is null and created_at < now() - ${leaseMs} * interval '1 millisecond'
        order by created_at limit ${batch}
        for update skip locked`
      const lost = rows.filter((row) => !inFlight.has(key(row)))
      for (const row of lost) await publish(row)
      if (lost.length > 0) log.info(`cloudprnt: sent ${lost.length} unconfirmed job(s) again`)
      for (const row of lost) {
        await tx`update cloudprnt_jobs set sent_at = ${new Date()} where mac = ${row.mac} and order_id = ${row.order_id}`
      }
    })
    await sql`delete from cloudprnt_jobs where created_at < now() - ${retentionMs} * interval '1 millisecond'`
  }
  let timer: NodeJS.Timeout | undefined
  let sweeping: Promise<void> = Promise.resolve()
  const tick = () => {
    sweeping = sweep()
      .catch((error: Error) => warnOnce(`sweep: ${error.message}`))
      .then(() => {
        if (!stopped) timer = setTimeout(tick, sweepMs)
      })
  }
  timer = setTimeout(tick, sweepMs)

  // A printer without a stored session had no queue: what was sent meanwhile never reached it.
  // Its queue being empty, sending again repeats nothing it holds; what it printed has a result.
  const freshSessions = new WeakSet<object>()
  const onConnack = (packet: { sessionPresent?: boolean }, client: { id: string } | null) => {
    if (client && !packet.sessionPresent && macOfCloudprntUsername(client.id)) freshSessions.add(client)
  }
  const onSubscribe = (subscriptions: { topic: string }[], client: { id: string } | null) => {
    const mac = client ? macOfCloudprntUsername(client.id) : null
    if (!client || !mac || !freshSessions.has(client)) return
    const jobTopic = topics.cloudprntToDevice(mac, 'print-job')
    if (!subscriptions.some((sub) => jobTopic.startsWith(sub.topic.replace(/#$/, '')))) return
    freshSessions.delete(client)
    // Jobs sent from now on reach its queue; those sent before never reached anything.
    const subscribed = new Date()
    sql<JobRow[]>`
      select mac, order_id, payload from cloudprnt_jobs
      where mac = ${mac} and result_code is null and sent_at < ${subscribed}
        and created_at > now() - ${catchUpMs} * interval '1 millisecond'
      order by created_at limit ${batch}`
      .then(async (rows) => {
        if (rows.length > 0) log.info(`cloudprnt: ${mac} had no session; sending its ${rows.length} open job(s)`)
        await sendJobs(rows)
      })
      .catch((error: Error) => warnOnce(`catching up ${mac}: ${error.message}`))
  }
  broker.on('connackSent', onConnack)
  broker.on('subscribe', onSubscribe)

  const subscriptions: [string, (packet: AedesPublishPacket, done: () => void) => void][] = [
    [topics.publicMenu, onMenu],
    [topics.barOrders, onOrder],
    [stationOrders, onOrder],
    [topics.cloudprntToServer('+', '+'), onPrinter],
  ]
  for (const [topic, handler] of subscriptions) broker.subscribe(topic, handler, () => {})
  // The menu is retained: read it once, then follow it.
  const menuLoaded = (async () => {
    for await (const packet of (broker as unknown as RetainedSource).persistence.createRetainedStream(
      topics.publicMenu,
    )) {
      onMenu(packet as AedesPublishPacket, () => {})
    }
  })().catch((error: Error) => log.warn(`cloudprnt: reading the menu failed: ${error.message}`))

  return {
    menuLoaded,
    async stop() {
      stopped = true
      clearTimeout(timer)
      for (const [topic, handler] of subscriptions) broker.unsubscribe(topic, handler, () => {})
      broker.off('connackSent', onConnack)
      broker.off('subscribe', onSubscribe)
      await Promise.all([draining, sweeping])
    },
  }
}
