import type { TransactionSql } from 'postgres'
import { type Locale, type Order, openStatuses, pushLeaseMs, readyPush } from '../../contract/index.ts'
import type { PushDelivery } from '../../runtime/push/sender.ts'

interface SubscriptionRow {
  id: string
  endpoint: string
  p256dh: string
  auth: string
  language: Locale
}

/**
 * Writes the "ready" push of `order` for each of its guest's subscriptions, inside the
 * transaction that marks it ready, leased to this process. A (order, subscription) pair is
 * written once ever, so an undo and a second "ready" push nothing more. Returns what this
 * process is to send after the commit.
 */
export async function enqueueReadyPush(
  tx: TransactionSql,
  order: Order,
  station: string | null,
): Promise<PushDelivery[]> {
  const subscriptions = await tx<SubscriptionRow[]>`
    select id::text, endpoint, p256dh, auth, language from push_subscriptions where guest_id = ${order.guestId}`
  if (subscriptions.length === 0) return []
  const payloads = subscriptions.map((s) => JSON.stringify(readyPush(order, station, s.language)))
  const written = await tx<{ subscription_id: string }[]>`
    insert into push_outbox (order_id, subscription_id, payload, lease_until)
    select ${order.id}, s, p, clock_timestamp() + ${pushLeaseMs} * interval '1 millisecond'
    from unnest(${tx.array(subscriptions.map((s) => s.id))}::bigint[], ${tx.array(payloads)}::text[]) as m(s, p)
    on conflict do nothing
    returning subscription_id::text`
  const fresh = new Set(written.map((row) => row.subscription_id))
  return subscriptions.flatMap((s, index) =>
    fresh.has(s.id)
      ? [
          {
            orderId: order.id,
            subscriptionId: s.id,
            endpoint: s.endpoint,
            p256dh: s.p256dh,
            auth: s.auth,
            payload: payloads[index] as string,
            attempts: 0,
          },
        ]
      : [],
  )
}

/**
 * Forgets the guest's subscriptions once none of their orders is open any more: the push was
 * for those orders, and a guest who orders again subscribes again from the page.
 */
export async function forgetIdleSubscriptions(tx: TransactionSql, guestId: string): Promise<void> {
  await tx`
    delete from push_subscriptions where guest_id = ${guestId}
      and not exists (select 1 from orders where guest_id = ${guestId} and status in ${tx(openStatuses)})`
}
