/**
 * CONNACK before any message [MQTT-3.2.0-1]. Aedes subscribes a returning persistent session
 * again (restoreSubs) before it sends CONNACK, and a message arriving in between (with the
 * Postgres emitter: any message whose NOTIFY was still on its way) is written at once, ahead of
 * the CONNACK. mqtt.js then holds its PUBACK until it is connected, and handles no packet
 * after that PUBLISH, the CONNACK included: the session hangs.
 *
 * Every QoS > 0 send to a persistent session asks the persistence first (`outgoingUpdate`) and
 * writes when that settles, so that call waits here for the client's CONNACK, or its end.
 */
import type { Aedes, Client } from 'aedes'

type Update = (client: Client, packet: object) => Promise<void>

/** Installs the wait over `persistence.outgoingUpdate`; `persistence` is the one `broker` was given. */
export function holdSendsUntilConnack(broker: Aedes, persistence: { outgoingUpdate: Update }): void {
  const update = persistence.outgoingUpdate.bind(persistence)
  const waiting = new WeakMap<Client, { connacked: Promise<void>; resolve: () => void }>()

  function connacked(client: Client): Promise<void> {
    let entry = waiting.get(client)
    if (!entry) {
      let resolve = () => {}
      const promise = new Promise<void>((settle) => {
        resolve = settle
      })
      entry = { connacked: promise, resolve }
      waiting.set(client, entry)
      client.conn.once('close', resolve)
    }
    return entry.connacked
  }

  broker.on('connackSent', (_packet, client) => waiting.get(client)?.resolve())
  persistence.outgoingUpdate = async (client, packet) => {
    if (!(client as Client & { connackSent?: boolean }).connackSent && !client.closed) await connacked(client)
    return update(client, packet)
  }
}
