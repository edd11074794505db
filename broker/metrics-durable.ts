import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import type { Registry } from '../runtime/metrics.ts'
import { observeOutbox } from '../runtime/outbox-metrics.ts'
import { startBusProbe } from './bus-probe.ts'
import { observeBroker } from './metrics.ts'
import { observeDatabase } from './metrics-database.ts'

/** Every metric of a broker replica: its clients and messages, the shared state in Postgres (outbox included), the bus. */
export function observeDurableBroker({ broker, sql, registry }: { broker: Aedes; sql: Sql; registry: Registry }) {
  observeBroker(broker, registry)
  observeDatabase({ sql, broker, registry })
  observeOutbox({ sql, registry })
  startBusProbe({ broker, registry })
}
