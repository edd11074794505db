import type { Sql } from 'postgres'
import { pushLeaseMs, pushOutboxChannel } from '../../contract/index.ts'
import type { Logger } from '../logger.ts'
import type { PushDelivery, PushSender } from './sender.ts'

export interface PushRelayOptions {
  sql: Sql
  sender: PushSender
  log: Logger
  /**
   * How often `push_outbox` is checked besides the wake-ups at each commit that wrote pushes
   * (NOTIFY): for retries that came due, and for a wake-up missed while LISTEN reconnected.
   * Default 1000 ms.
   */
  intervalMs?: number
  /**
   * Pushes claimed per round. Default: the sender's concurrency, so a round takes one push
   * service's timeout at most, well within the lease it claimed them for.
   */
  batch?: number
  /**
   * A subscription older than this whose guest has no open order is deleted (a guest who allowed
   * notifications and never ordered, or whose last order's close was missed). Checked as often.
   * Default 1 hour.
   */
  idleSubscriptionMs?: number
}

/**
 * Sends the Web Push messages of `push_outbox` that are due: new ones (the function that marked
 * the order ready wrote them, due at once, and its commit notified us) and failed ones whose
 * backoff ran out. Claimed with SKIP LOCKED and a lease, so replicas share the work and a push
 * is tried by one of them at a time. The bar's request never waits for a push service.
 */
export function startPushRelay({
  sql,
  sender,
  log,
  intervalMs = 1000,
  batch = sender.concurrency,
  idleSubscriptionMs = 3_600_000,
}: PushRelayOptions) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | null = null
  let again = false
  let stopped = false

  const round = async () => {
    const rows = await sql<PushDelivery[]>`
      update push_outbox o set lease_until = clock_timestamp() + ${pushLeaseMs} * interval '1 millisecond'
      from push_subscriptions s
      where s.id = o.subscription_id and (o.order_id, o.subscription_id) in (
        select order_id, subscription_id from push_outbox
        where sent_at is null and lease_until <= clock_timestamp()
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
    clearTimeout(timer)
    running = (async () => {
      try {
        do {
          again = false
          while (!stopped && (await round()) === batch) {}
        } while (again && !stopped)
        if (failing) log.info('push relay works again')
        failing = ''
      } catch (error) {
        const message = (error as Error).message
        if (message !== failing) log.warn(`push relay: ${message}`)
        failing = message
      }
      running = null
      if (!stopped) timer = setTimeout(tick, intervalMs)
    })()
  }
  // A commit that wrote pushes: a round now, or right after the one under way.
  const wake = () => {
    if (stopped) return
    if (running) again = true
    else tick()
  }
  const listening = sql.listen(pushOutboxChannel, wake, wake).catch((error: Error) => {
    log.warn(`push relay cannot listen, checks every ${intervalMs} ms: ${error.message}`)
    return null
  })
  timer = setTimeout(tick, intervalMs)

  const prune = async () => {
    try {
      await sql`
        delete from push_subscriptions s
        where s.created_at < clock_timestamp() - ${idleSubscriptionMs} * interval '1 millisecond'
          and not exists (
            select 1 from orders o where o.guest_id = s.guest_id and o.status in ('placed', 'preparing', 'ready'))`
    } catch (error) {
      log.warn(`push relay could not prune subscriptions: ${(error as Error).message}`)
    }
  }
  const pruning = setInterval(() => void prune(), idleSubscriptionMs)
  pruning.unref()

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      clearInterval(pruning)
      await (await listening)?.unlisten().catch(() => {})
      await running
    },
  }
}
