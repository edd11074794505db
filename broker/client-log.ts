import type { Aedes, Client } from 'aedes'
import type { Logger } from '../runtime/logger.ts'

/**
 * Logs the bar's, the printers' and the services' connections with their role and client id.
 * Guests are counted (broker/metrics.ts), not logged: a busy night has thousands.
 */
export function logClients(broker: Aedes, log: Logger, roleOf: (client: Client) => string): void {
  const says = (what: string) => (client: Client) => {
    const role = roleOf(client)
    if (role !== 'guest') log.info(`mqtt client ${what}`, { clientId: client.id, role })
  }
  broker.on('clientReady', says('connected'))
  broker.on('clientDisconnect', says('disconnected'))
}
