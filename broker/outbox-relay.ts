import type { Aedes, PublishPacket } from 'aedes'
import type { Sql } from 'postgres'
import * as v from 'valibot'
import { type OutboxRow, OutboxRowSchema } from '../contract/index.ts'
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
        payload: Buffer.from(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
        qos: row.qos,
        retain: row.retain,
        dup: false,
      }
      broker.publish(packet as PublishPacket, (error) => (error ? reject(error) : resolve()))
    })

  const round = async () => {
    let relayed = 0
    await sql.begin(async (tx) => {
      const rows = await tx`
        select id, topic, payload, qos, retain from outbox
        where lease_until < now()
        order by id
        limit ${batch}
        for update skip locked`
      for (const row of rows) {
        const parsed = v.safeParse(OutboxRowSchema, row)
        // Not a message (written by hand): published by no one, so dropped rather than retried forever.
        if (parsed.success) await publish(parsed.output)
        else {
          const why = parsed.issues.map((issue) => `${v.getDotPath(issue)}: ${issue.message}`).join('; ')
          log.error(`dropped outbox row ${String(row.id)}, not a message: ${why}`)
        }
      }
      if (rows.length > 0) await tx`delete from outbox where id in ${tx(rows.map((row) => row.id))}`
      relayed = rows.length
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
