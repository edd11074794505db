import type { Aedes, PublishPacket } from 'aedes'
import type { Sql } from 'postgres'
import type { Logger } from '../runtime/logger.ts'

export interface OutboxRelayOptions {
  sql: Sql
  broker: Aedes
  log: Logger
  /** How often the outbox is checked. Default 1000 ms. */
  intervalMs?: number
  /** Messages relayed per round. Default 200. */
  batch?: number
}

interface OutboxRow {
  id: string
  topic: string
  payload: Buffer
  qos: 0 | 1
  retain: boolean
}

/**
 * Publishes what functions committed to the `outbox` table but could not hand to the broker
 * (broker down, pod gone): rows whose lease ran out (see `outboxLeaseMs` in the contract), so
 * never one the function that wrote it is still publishing. Replicas share the work: rows are
 * claimed with SKIP LOCKED. Delivery is at least once; consumers drop duplicates by order id.
 */
export function startOutboxRelay({ sql, broker, log, intervalMs = 1000, batch = 200 }: OutboxRelayOptions) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false

  const publish = (row: OutboxRow) =>
    new Promise<void>((resolve, reject) => {
      const packet = {
        cmd: 'publish',
        topic: row.topic,
        payload: row.payload,
        qos: row.qos,
        retain: row.retain,
        dup: false,
      }
      broker.publish(packet as PublishPacket, (error) => (error ? reject(error) : resolve()))
    })

  const round = async () => {
    let relayed = 0
    await sql.begin(async (tx) => {
      const rows = await tx<OutboxRow[]>`
        select id, topic, payload, qos, retain from outbox
        where lease_until < now()
        order by id
        limit ${batch}
        for update skip locked`
      // Handed to the broker together, in id order, as a function hands an order's messages: one
      // at a time, each waited for, a backlog took a round trip of the broker's (its bus, its
      // durable queues) per message, and thousands of orders reached the bar tens of seconds late.
      const results = await Promise.allSettled(rows.map(publish))
      const published = rows.filter((_, index) => results[index]?.status === 'fulfilled').map((row) => row.id)
      if (published.length > 0) await tx`delete from outbox where id in ${tx(published)}`
      const failed = results.find((result) => result.status === 'rejected')
      // What the broker refused stays for the next round; what it took is not published again.
      if (failed) log.warn(`outbox relay: ${rows.length - published.length} message(s) kept: ${failed.reason}`)
      relayed = failed ? 0 : published.length
    })
    if (relayed > 0) log.info(`relayed ${relayed} message(s) from the outbox`)
    return relayed
  }

  // While the database is away every round fails the same way: say so once, and when it is back.
  let failing = ''
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await round()) === batch) {}
        if (failing) log.info('outbox relay works again')
        failing = ''
      } catch (error) {
        const message = (error as Error).message
        if (message !== failing) log.warn(`outbox relay: ${message}`)
        failing = message
      }
      if (!stopped) timer = setTimeout(tick, intervalMs)
    })()
  }
  timer = setTimeout(tick, intervalMs)

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
