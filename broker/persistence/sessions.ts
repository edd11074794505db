/**
 * The owner of each persistent session: the identity that made it, so that another identity
 * using its client id can be refused (broker/access.ts). A row is written only when a session
 * is claimed; anonymous clients, who only get clean sessions, just read.
 */
import type { Sql } from 'postgres'
import { type Batcher, createBatcher } from '../pg/batcher.ts'

type Owner = string | null | undefined

export class SessionOwners {
  readonly #sql: Sql
  /** Reads of one turn, and those made while one is in flight, go as one statement: a venue's phones reconnect at once. */
  readonly #reads: Batcher<string, Owner>

  constructor(sql: Sql, { maxBatch }: { maxBatch: number }) {
    this.#sql = sql
    this.#reads = createBatcher((clientIds: string[]) => this.#read(clientIds), { maxBatch })
  }

  /** The owner of the client id's session: undefined when there is none, null when unclaimed. */
  ownerOf(clientId: string): Promise<Owner> {
    return this.#reads.push(clientId)
  }

  async #read(clientIds: string[]): Promise<Owner[]> {
    const rows = await this.#sql<{ client_id: string; owner: string | null }[]>`
      select client_id, owner from mqtt_sessions where client_id = any(${clientIds}::text[])`
    const owners = new Map(rows.map((row) => [row.client_id, row.owner]))
    return clientIds.map((clientId) => (owners.has(clientId) ? owners.get(clientId) : undefined))
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
