import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import { type BarStatus, type CloudprntStatus, cloudprntUsername, topics } from '../contract/index.ts'
import type { Logger } from '../runtime/logger.ts'
import { outboxState } from '../runtime/outbox-metrics.ts'
import { publishToBroker } from './local-publisher.ts'
import { sessionQueues } from './metrics-database.ts'
import { startPeriodic } from './periodic.ts'

export interface BarStatusOptions {
  broker: Aedes
  sql: Sql
  log: Logger
  /** Ids of the clients connected to this replica or, by the bus probe, to another. */
  online: () => Set<string>
  /** How often the state is read; it is published only when it changed. Default 2000 ms. */
  intervalMs?: number
  /** Most printer sessions listed. Default 50. */
  maxSessions?: number
  /** Most CloudPRNT printers listed. Default 100. */
  maxCloudprnt?: number
}

interface CloudprntRow {
  mac: string
  name: string
  station: string
  status_code: string | null
  failure_code: string | null
  failure_token: string | null
}

/** The CloudPRNT printers, or none where their table is missing (a broker without the functions' schema). */
async function cloudprntPrinters(sql: Sql, max: number): Promise<CloudprntRow[] | undefined> {
  try {
    return await sql<CloudprntRow[]>`
      select mac, name, station, status_code, failure_code, failure_token
      from cloudprnt_printers order by station, mac limit ${max}`
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return undefined
    throw error
  }
}

/**
 * Keeps the retained `bar/status` current, so the bar display can say what the bar must act on:
 * a printer away while its tickets wait, orders not yet handed to the broker. Every replica
 * reads the same Postgres and, through the bus probe, the same connections, so they publish the
 * same state; a retained message holds the last one.
 */
export function startBarStatus({
  broker,
  sql,
  log,
  online,
  intervalMs = 2000,
  maxSessions = 50,
  maxCloudprnt = 100,
}: BarStatusOptions) {
  let last = ''
  let stopped = false

  const read = async (): Promise<Omit<BarStatus, 'at'>> => {
    const [sessions, outbox, stars] = await Promise.all([
      sessionQueues(sql, maxSessions),
      outboxState(sql),
      cloudprntPrinters(sql, maxCloudprnt),
    ])
    const connected = online()
    const cloudprnt = stars?.map(
      (row): CloudprntStatus => ({
        mac: row.mac,
        name: row.name,
        station: row.station,
        online: connected.has(cloudprntUsername(row.mac)),
        statusCode: row.status_code,
        failure: row.failure_code ? { jobToken: row.failure_token, statusCode: row.failure_code } : null,
      }),
    )
    return {
      ...(cloudprnt ? { cloudprnt } : {}),
      printers: sessions.map((session) => ({
        clientId: session.client_id,
        online: connected.has(session.client_id),
        queued: session.queued,
      })),
      outbox: { messages: outbox.count, oldestSeconds: Math.floor(outbox.oldest) },
    }
  }

  const publish = (status: BarStatus) =>
    publishToBroker(broker, {
      topic: topics.barStatus,
      payload: Buffer.from(JSON.stringify(status)),
      qos: 1,
      retain: true,
    })

  const periodic = startPeriodic({
    name: 'bar status',
    intervalMs,
    firstDelayMs: 0,
    log,
    round: async () => {
      const state = await read()
      const key = JSON.stringify(state)
      if (key !== last && !stopped) {
        await publish({ ...state, at: new Date().toISOString() })
        last = key
      }
    },
  })
  broker.once('closed', () => {
    stopped = true
    void periodic.stop()
  })
  return {
    /** Reads and publishes now (a printer changed): the bar sees it within a round trip. */
    refresh: () => periodic.now(),
  }
}
