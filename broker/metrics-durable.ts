import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import type { Logger } from '../runtime/logger.ts'
import type { Registry } from '../runtime/metrics.ts'
import { observeOutbox } from '../runtime/outbox-metrics.ts'
import { startBarStatus } from './bar-status.ts'
import { startBusProbe } from './bus-probe.ts'
import { logClients } from './client-log.ts'
import { connectedClients, observeBroker } from './metrics.ts'
import { observeDatabase } from './metrics-database.ts'

interface ObserveOptions {
  broker: Aedes
  sql: Sql
  registry: Registry
  log: Logger
}

/**
 * What the operator and the bar see of a broker replica: its metrics (clients and messages, the
 * shared state in Postgres, outbox included, the bus), its trusted clients' connections in the
 * log with their role, and the retained `bar/status` (printers away, orders waiting).
 */
export function observeDurableBroker({ broker, sql, registry, log }: ObserveOptions) {
  const role = observeBroker(broker, registry)
  logClients(broker, log, role)
  observeDatabase({ sql, broker, registry })
  observeOutbox({ sql, registry })
  // Guests are many and never subscribe to the bar's topics: only the others are announced.
  const trustedHere = () => connectedClients(broker).filter((client) => role(client) !== 'guest')
  const probe = startBusProbe({ broker, registry, announce: () => trustedHere().map((client) => client.id) })
  const online = () => new Set([...trustedHere().map((client) => client.id), ...probe.peerClients()])
  return startBarStatus({ broker, sql, log, online })
}
