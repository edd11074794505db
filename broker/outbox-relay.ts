import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import * as v from 'valibot'
import { type OutboxRow, OutboxRowSchema } from '../contract/index.ts'
import type { Logger } from '../runtime/logger.ts'
import { publishToBroker } from './local-publisher.ts'
import { startPeriodic } from './periodic.ts'

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
  let stopped = false

  // A view of the bytes postgres.js read, not a copy.
  const publish = (row: OutboxRow) =>
    publishToBroker(broker, {
      ...row,
      payload: Buffer.from(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
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
      // Checked, then handed to the broker together, in id order, as a function hands an order's
      // messages: one at a time, each waited for, a backlog took a round trip of the broker's (its
      // bus, its durable queues) per message, and thousands of orders reached the bar tens of
      // seconds late.
      const messages: OutboxRow[] = []
      const dropped: unknown[] = []
      for (const row of rows) {
        const parsed = v.safeParse(OutboxRowSchema, row)
        // Not a message (written by hand): published by no one, so dropped rather than retried forever.
        if (parsed.success) messages.push(parsed.output)
        else {
          const why = parsed.issues.map((issue) => `${v.getDotPath(issue)}: ${issue.message}`).join('; ')
          log.error(`dropped outbox row ${String(row.id)}, not a message: ${why}`)
          dropped.push(row.id)
        }
      }
      const results = await Promise.allSettled(messages.map(publish))
      const published = messages.filter((_, index) => results[index]?.status === 'fulfilled').map((row) => row.id)
      const done = [...published, ...dropped]
      if (done.length > 0) await tx`delete from outbox where id in ${tx(done as never[])}`
      const failed = results.find((result) => result.status === 'rejected')
      // What the broker refused stays for the next round; what it took is not published again.
      if (failed) log.warn(`outbox relay: ${messages.length - published.length} message(s) kept: ${failed.reason}`)
      relayed = failed ? 0 : published.length
    })
    if (relayed > 0) log.info(`relayed ${relayed} message(s) from the outbox`)
    return relayed
  }

  const periodic = startPeriodic({
    name: 'outbox relay',
    intervalMs,
    log,
    round: async () => {
      while (!stopped && (await round()) === batch) {}
    },
  })

  return {
    async stop() {
      stopped = true
      await periodic.stop()
    },
  }
}
