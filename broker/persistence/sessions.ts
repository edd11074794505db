/**
 * The owner of each persistent session: the identity that made it, so that another identity
 * using its client id can be refused (broker/access.ts). A row is written only when a session
 * is claimed; anonymous clients, who only get clean sessions, just read.
 */
import type { Sql } from 'postgres'

export class SessionOwners {
  readonly #sql: Sql

  constructor(sql: Sql) {
    this.#sql = sql
  }

  /** The owner of the client id's session: undefined when there is none, null when unclaimed. */
  async ownerOf(clientId: string): Promise<string | null | undefined> {
    const [row] = await this.#sql<{ owner: string | null }[]>`
      select owner from mqtt_sessions where client_id = ${clientId}`
    return row ? row.owner : undefined
  }

  /** Claims the session for `owner` unless another has it; returns whoever has it afterwards. */
  async claim(clientId: string, owner: string): Promise<string> {
    const [row] = await this.#sql<{ owner: string }[]>`
      insert into mqtt_sessions (client_id, owner) values (${clientId}, ${owner})
      on conflict (client_id) do update set owner = coalesce(mqtt_sessions.owner, excluded.owner)
      returning owner`
    if (!row) throw new Error('claiming a session returned no row')
    return row.owner
  }
}
