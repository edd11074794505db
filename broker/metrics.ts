import type { Aedes, Client, PublishPacket } from 'aedes'
import { topics } from '../contract/index.ts'
import { watchLoopLag } from '../runtime/loop-lag.ts'
import { type Registry, topicFamily } from '../runtime/metrics.ts'
import { Counter, Gauge, Histogram } from '../runtime/prom.ts'
import { clientRole, internals } from './access/clients.ts'
import type { Role as AccessRole } from './access/rules.ts'

/** What a metric says of an MQTT client: the role it authenticated as, `unknown` before that. */
type Role = AccessRole | 'unknown'

const roles: readonly AccessRole[] = ['guest', 'bar', 'printer', 'service']

/**
 * The broker's live metrics: connected clients and their subscriptions by role, messages in and
 * out by topic, and how long placed orders took to reach `bar/orders`. It reads the broker's
 * events and the roles the access hooks recorded, and wraps `authorizeForward`, which Aedes
 * calls for every message it sends a client, without changing what it decides.
 * Returns the role of a client, for logs.
 */
export function observeBroker(broker: Aedes, registry: Registry): (client: Client) => Role {
  const registers = [registry]
  const role = (client: Client): Role => clientRole(client) ?? 'unknown'

  new Gauge({
    name: 'drinks_mqtt_clients',
    help: 'MQTT clients connected to this broker replica, by role',
    labelNames: ['role'] as const,
    registers,
    collect() {
      this.reset()
      for (const name of roles) this.set({ role: name }, 0)
      for (const client of connectedClients(broker)) this.inc({ role: role(client) })
    },
  })
  new Gauge({
    name: 'drinks_mqtt_subscriptions',
    help: 'Subscriptions of the MQTT clients connected to this replica, by role',
    labelNames: ['role'] as const,
    registers,
    collect() {
      this.reset()
      for (const name of roles) this.set({ role: name }, 0)
      for (const client of connectedClients(broker)) {
        this.inc({ role: role(client) }, Object.keys(internals(client).subscriptions).length)
      }
    },
  })
  const received = new Counter({
    name: 'drinks_mqtt_messages_received_total',
    help: 'Messages published to this replica, by topic and by role of the sender (broker: the outbox relay)',
    labelNames: ['topic', 'role'] as const,
    registers,
  })
  const sent = new Counter({
    name: 'drinks_mqtt_messages_sent_total',
    help: 'Messages this replica sent to its clients (offline queues included), by topic and role of the receiver',
    labelNames: ['topic', 'role'] as const,
    registers,
  })
  // Every client of the replica waits while its loop is late: a fan-out, a storm of connections.
  // Not Node's monitorEventLoopDelay: a reset loses its next interval, so a stall just before a
  // scrape would go unseen.
  const loop = watchLoopLag({ intervalMs: 10 })
  broker.once('closed', loop.stop)
  new Gauge({
    name: 'nodejs_eventloop_lag_max_seconds',
    help: 'The longest the event loop ran late since the previous scrape, in seconds',
    registers,
    collect() {
      this.set(loop.takeLongest() / 1000)
    },
  })
  const toBar = new Histogram({
    name: 'drinks_order_to_bar_seconds',
    help: 'Time from an order being stored to its "placed" event reaching the broker on bar/orders, outbox relay included',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  })

  const authorizeForward = broker.authorizeForward
  broker.authorizeForward = (client, packet) => {
    const forwarded = authorizeForward.call(broker, client, packet)
    if (forwarded) sent.inc({ topic: topicFamily(packet.topic), role: role(client) })
    return forwarded
  }

  broker.on('publish', (packet: PublishPacket, client: Client | null) => {
    if (packet.topic.startsWith('$SYS/')) return
    received.inc({ topic: topicFamily(packet.topic), role: client ? role(client) : 'broker' })
    if (packet.topic === topics.barOrders) {
      const age = placedAge(packet.payload)
      if (age !== null) toBar.observe(age)
    }
  })
  return role
}

/** Seconds since a placed order was stored, from a `bar/orders` payload; null for other events. */
function placedAge(payload: PublishPacket['payload']): number | null {
  try {
    const event = JSON.parse(payload.toString()) as { event?: unknown; order?: { createdAt?: unknown } }
    if (event.event !== 'placed' || typeof event.order?.createdAt !== 'string') return null
    const stored = Date.parse(event.order.createdAt)
    return Number.isNaN(stored) ? null : Math.max(0, (Date.now() - stored) / 1000)
  } catch {
    return null
  }
}

/** The clients connected to this replica (Aedes keeps them by id; its types do not say so). */
export function connectedClients(broker: Aedes): Client[] {
  const { clients } = broker as unknown as { clients: Record<string, Client | undefined> }
  return Object.values(clients).filter((client): client is Client => client !== undefined)
}
