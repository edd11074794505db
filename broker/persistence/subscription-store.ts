/**
 * The statements on mqtt_subscriptions. A write and the NOTIFY announcing it are one statement,
 * hence one transaction: replicas hear of a change exactly when it is committed, in commit order.
 */
import type { Sql } from 'postgres'
import type { TrieSubscription } from './trie.ts'

/** A subscription as Aedes gives it and gets it back (`subscriptionsByClient`). */
export interface Subscription {
  topic: string
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
  /** MQTT 5 Subscription Identifier, present only when the subscription carried one. */
  subscriptionIdentifier?: number
}

interface SubscriptionRow {
  id: string
  client_id: string
  topic: string
  qos: number
  rh: number | null
  rap: boolean | null
  nl: boolean | null
  subscription_identifier: number | null
}

const PAGE = 5_000

/** Inserts or replaces the client's subscriptions (one per topic: the caller keeps the last). */
export async function upsertSubscriptions(
  sql: Sql,
  {
    clientId,
    subs,
    channel,
    announcement,
  }: { clientId: string; subs: Subscription[]; channel: string; announcement: string },
): Promise<void> {
  await sql`
    with written as (
      insert into mqtt_subscriptions (client_id, topic, qos, rh, rap, nl, subscription_identifier)
      select ${clientId}, topic, qos, rh, rap, nl, sid
      from unnest(
        ${subs.map((sub) => sub.topic)}::text[],
        ${subs.map((sub) => sub.qos)}::smallint[],
        ${subs.map((sub) => sub.rh ?? null)}::smallint[],
        ${sql.array(
          subs.map((sub) => (sub.rap === undefined ? null : Boolean(sub.rap))),
          16,
        )}::boolean[],
        ${sql.array(
          subs.map((sub) => (sub.nl === undefined ? null : Boolean(sub.nl))),
          16,
        )}::boolean[],
        ${subs.map((sub) => sub.subscriptionIdentifier ?? null)}::integer[]
      ) with ordinality as s(topic, qos, rh, rap, nl, sid, n)
      order by n
      on conflict (client_id, topic) do update
        set qos = excluded.qos, rh = excluded.rh, rap = excluded.rap, nl = excluded.nl,
          subscription_identifier = excluded.subscription_identifier
      returning 1
    )
    select pg_notify(${channel}, ${announcement}) from (select count(*) from written) as w`
}

/**
 * Deletes the client's subscriptions to `topics` (all of them when null). Announces, and returns
 * true, only when a QoS > 0 subscription went: QoS 0 ones are not in any replica's trie.
 */
export async function deleteSubscriptions(
  sql: Sql,
  {
    clientId,
    topics,
    channel,
    announcement,
  }: { clientId: string; topics: string[] | null; channel: string; announcement: string },
): Promise<boolean> {
  const announced =
    topics === null
      ? await sql`
          with removed as (delete from mqtt_subscriptions where client_id = ${clientId} returning qos)
          select pg_notify(${channel}, ${announcement}) from (select 1 from removed where qos > 0 limit 1) as r`
      : await sql`
          with removed as (
            delete from mqtt_subscriptions where client_id = ${clientId} and topic = any(${topics}::text[])
            returning qos)
          select pg_notify(${channel}, ${announcement}) from (select 1 from removed where qos > 0 limit 1) as r`
  return announced.length > 0
}

/** The client's subscriptions, QoS 0 included, in the order they were first made. */
export async function readSubscriptions(sql: Sql, clientId: string): Promise<Subscription[]> {
  const rows = await sql<SubscriptionRow[]>`
    select topic, qos, rh, rap, nl, subscription_identifier
    from mqtt_subscriptions where client_id = ${clientId} order by id`
  return rows.map((row) => {
    const sub: Subscription = {
      topic: row.topic,
      qos: row.qos,
      rh: row.rh ?? undefined,
      rap: row.rap ?? undefined,
      nl: row.nl ?? undefined,
    }
    if (row.subscription_identifier !== null) sub.subscriptionIdentifier = row.subscription_identifier
    return sub
  })
}

function toTrie(row: SubscriptionRow): TrieSubscription {
  return {
    clientId: row.client_id,
    topic: row.topic,
    qos: row.qos,
    rh: row.rh ?? undefined,
    rap: row.rap ?? undefined,
    nl: row.nl ?? undefined,
  }
}

/** The QoS > 0 subscriptions of these clients, in subscription order. */
export async function readMatchable(sql: Sql, clientIds: string[]): Promise<TrieSubscription[]> {
  const rows = await sql<SubscriptionRow[]>`
    select client_id, topic, qos, rh, rap, nl from mqtt_subscriptions
    where client_id = any(${clientIds}::text[]) and qos > 0 order by id`
  return rows.map(toTrie)
}

/**
 * Every QoS > 0 subscription, page by page. The pages are not one snapshot; that is fine because
 * the caller listens before it reads, and reloads every client announced meanwhile afterwards.
 */
export async function* readAllMatchable(sql: Sql): AsyncGenerator<TrieSubscription[]> {
  let after = '0'
  for (;;) {
    const rows = await sql<SubscriptionRow[]>`
      select id, client_id, topic, qos, rh, rap, nl from mqtt_subscriptions
      where qos > 0 and id > ${after} order by id limit ${PAGE}`
    yield rows.map(toTrie)
    const last = rows.at(-1)
    if (!last || rows.length < PAGE) return
    after = last.id
  }
}

/** Matchable (QoS > 0) subscriptions, and clients with any subscription. */
export async function countSubscriptions(sql: Sql): Promise<{ subsCount: number; clientsCount: number }> {
  const [row] = await sql<{ subs: number; clients: number }[]>`
    select count(*) filter (where qos > 0)::integer as subs, count(distinct client_id)::integer as clients
    from mqtt_subscriptions`
  return { subsCount: row?.subs ?? 0, clientsCount: row?.clients ?? 0 }
}

/** The clients subscribed to exactly `topic`, in subscription order. */
export async function* clientsSubscribedTo(sql: Sql, topic: string): AsyncGenerator<string> {
  let after = '0'
  for (;;) {
    const rows = await sql<{ id: string; client_id: string }[]>`
      select id, client_id from mqtt_subscriptions where topic = ${topic} and id > ${after} order by id limit ${PAGE}`
    for (const row of rows) yield row.client_id
    const last = rows.at(-1)
    if (!last || rows.length < PAGE) return
    after = last.id
  }
}
