/**
 * Rows that cannot be published are moved to mqtt_quarantine (one statement: deleted from their
 * table and inserted there), logged, and never read again by the broker. Retrying them would
 * fail the same way at every start or every will check, and take the process or everyone's
 * deliveries down with them.
 */
import type { Sql } from 'postgres'
import type { Logger } from '../pg/listener.ts'
import { storableCopy } from './packets.ts'

export class Quarantine {
  readonly #sql: Sql
  readonly #logger: Logger

  constructor(sql: Sql, logger: Logger) {
    this.#sql = sql
    this.#logger = logger
  }

  /** The will of `clientId` held by `brokerId`. */
  async will(clientId: string, brokerId: string, reason: string): Promise<void> {
    const why = storableCopy(reason)
    await this.#moved(
      `will of ${clientId}`,
      why,
      this.#sql`
        with moved as (
          delete from mqtt_wills where client_id = ${clientId} and broker_id = ${brokerId} returning *)
        insert into mqtt_quarantine (source, client_id, header, payload, payload_is_text, reason)
        select 'mqtt_wills', client_id, header, payload, payload_is_text, ${why} from moved`,
    )
  }

  /** The retained message of `topic`. */
  async retained(topic: string, reason: string): Promise<void> {
    const why = storableCopy(reason)
    await this.#moved(
      `retained message on ${topic}`,
      why,
      this.#sql`
        with moved as (delete from mqtt_retained where topic = ${topic} returning *)
        insert into mqtt_quarantine (source, topic, header, payload, payload_is_text, reason)
        select 'mqtt_retained', topic, header, payload, payload_is_text, ${why} from moved`,
    )
  }

  /** The queued message `id` of `clientId`. */
  async outgoing(clientId: string, id: string, reason: string): Promise<void> {
    const why = storableCopy(reason)
    await this.#moved(
      `queued message ${id} of ${clientId}`,
      why,
      this.#sql`
        with moved as (delete from mqtt_outgoing where client_id = ${clientId} and id = ${id} returning *)
        insert into mqtt_quarantine (source, client_id, header, payload, payload_is_text, reason)
        select 'mqtt_outgoing', client_id, header, payload, payload_is_text, ${why} from moved`,
    )
  }

  async #moved(what: string, why: string, statement: Promise<unknown>): Promise<void> {
    try {
      await statement
      this.#logger.warn(`persistence: quarantined the ${storableCopy(what)}: ${why}`)
    } catch (error) {
      // Not moved: it stays where it is, and is skipped again next time.
      this.#logger.error(`persistence: cannot quarantine the ${storableCopy(what)}: ${(error as Error).message}`)
    }
  }
}
