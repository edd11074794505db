import { Aedes, type AedesOptions } from 'aedes'
import type { Logger } from '../runtime/logger.ts'
import { accessHooks, type Credentials } from './access.ts'

export interface BrokerOptions {
  credentials: Credentials
  /** An aedes-persistence 11 instance; Aedes' in-memory one when omitted. */
  persistence?: AedesOptions['persistence']
  /** An mqemitter instance shared by replicas; a local one when omitted. */
  mq?: AedesOptions['mq']
  /** Unique per process; Aedes generates one when omitted. */
  id?: string
  /** Aedes' heartbeat (ms); a dead broker's wills are published every fourth one. Aedes' 60 s when omitted. */
  heartbeatInterval?: number
  log: Logger
}

/** An Aedes broker enforcing the spec's access table. Listeners are attached separately. */
export async function createBroker({
  credentials,
  persistence,
  mq,
  id,
  heartbeatInterval,
  log,
}: BrokerOptions): Promise<Aedes> {
  const broker = await Aedes.createBroker({
    ...(id ? { id } : {}),
    ...(heartbeatInterval ? { heartbeatInterval } : {}),
    ...(persistence ? { persistence } : {}),
    ...(mq ? { mq } : {}),
    ...accessHooks(credentials),
  })
  broker.on('clientError', (client, error) => log.warn(`mqtt client ${client.id}: ${error.message}`))
  broker.on('connectionError', (client, error) => log.warn(`mqtt connection ${client.id ?? '?'}: ${error.message}`))
  return broker
}

/** Closes the broker: disconnects clients, flushes persistence. */
export function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()))
}
