import type { Sql } from 'postgres'
import { pushLeaseMs } from '../../contract/index.ts'
import type { Logger } from '../logger.ts'
import type { PushDelivery, PushSender } from './sender.ts'

export interface PushRelayOptions {
  sql: Sql
  sender: PushSender
  log: Logger
  /** How often `push_outbox` is checked. Default 1000 ms. */
  intervalMs?: number
  /**
   * Pushes claimed per round. Default 8, the sender's default concurrency: a round then takes
   * one timeout at most, well within the lease it claimed them for.
   */
  batch?: number
}

/**
 * Sends the pushes that are due: never tried because the function that wrote them went away,
 * or failed and waited for their backoff (both are rows of `push_outbox` not sent whose lease
 * ran out). Claimed with SKIP LOCKED and a new lease, so replicas share the work and a push is
 * tried by one of them at a time.
 */
export function startPushRelay({ sql, sender, log, intervalMs = 1000, batch = 8 }: PushRelayOptions) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false

  const round = async () => {
    const rows = await sql<PushDelivery[]>`
      update push_outbox o set lease_until = clock_timestamp() + ${pushLeaseMs} * interval '1 millisecond'
      from push_subscriptions s
      where s.id = o.subscription_id and (o.order_id, o.subscription_id) in (
        select order_id, subscription_id from push_outbox
        where sent_at is null and lease_until < clock_timestamp()
        order by lease_until
        limit ${batch}
        for update skip locked)
      returning o.order_id as "orderId", o.subscription_id::text as "subscriptionId", s.endpoint,
        s.p256dh, s.auth, o.payload, o.attempts`
    if (rows.length > 0) await sender.send([...rows], Date.now() + pushLeaseMs)
    return rows.length
  }

  let failing = ''
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await round()) === batch) {}
        if (failing) log.info('push relay works again')
        failing = ''
      } catch (error) {
        const message = (error as Error).message
        if (message !== failing) log.warn(`push relay: ${message}`)
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
