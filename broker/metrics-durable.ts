import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import type { Logger } from '../runtime/logger.ts'
import type { Registry } from '../runtime/metrics.ts'
import { observeOutbox } from '../runtime/outbox-metrics.ts'
import { startBusProbe } from './bus-probe.ts'
import { logClients } from './client-log.ts'
import { observeBroker } from './metrics.ts'
import { observeDatabase } from './metrics-database.ts'

interface ObserveOptions {
  broker: Aedes
  sql: Sql
  registry: Registry
  log: Logger
}

/**
 * Every metric of a broker replica: its clients and messages, the shared state in Postgres
 * (outbox included), the bus; and its trusted clients' connections in the log, with their role.
 */
export function observeDurableBroker({ broker, sql, registry, log }: ObserveOptions) {
  logClients(broker, log, observeBroker(broker, registry))
  observeDatabase({ sql, broker, registry })
  observeOutbox({ sql, registry })
  startBusProbe({ broker, registry })
}
