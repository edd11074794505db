import type { TransactionSql } from 'postgres'
import {
  type Locale,
  type Order,
  openStatuses,
  type PushStation,
  pushOutboxChannel,
  readyPush,
} from '../../contract/index.ts'

interface SubscriptionRow {
  id: string
  language: Locale
}

/**
 * Writes the "ready" push of `order` for each of its guest's subscriptions, inside the
 * transaction that marks it ready, due at once; the commit wakes the broker's push relay
 * (NOTIFY), which sends it. A (order, subscription) pair is written once ever, so an undo and a
 * second "ready" push nothing more. Resolves to the number of pushes written.
 */
export async function enqueueReadyPush(tx: TransactionSql, order: Order, station: string | null): Promise<number> {
  const subscriptions = await tx<SubscriptionRow[]>`
    select id::text, language from push_subscriptions where guest_id = ${order.guestId}`
  if (subscriptions.length === 0) return 0
  const place = station ? await findPlace(tx, station) : null
  const payloads = subscriptions.map((s) => JSON.stringify(readyPush(order, place, s.language)))
  const written = await tx<{ subscription_id: string }[]>`
    insert into push_outbox (order_id, subscription_id, payload, lease_until)
    select ${order.id}, s, p, clock_timestamp()
    from unnest(${tx.array(subscriptions.map((s) => s.id))}::bigint[], ${tx.array(payloads)}::text[]) as m(s, p)
    on conflict do nothing
    returning subscription_id::text`
  // Delivered with the commit, and not at all on a rollback.
  if (written.length > 0) await tx`select pg_notify(${pushOutboxChannel}, '')`
  return written.length
}

/** The station's name and place from the menu; only its id when it is not (or no longer) there. */
async function findPlace(tx: TransactionSql, id: string): Promise<PushStation> {
  const [row] = await tx<PushStation[]>`select id, name, location from stations where id = ${id}`
  if (!row) return { id, name: { en: id, de: id, fr: id, it: id } }
  return { id: row.id, name: row.name, location: row.location ?? undefined }
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
