/**
 * Who owns each persistent session. The Postgres persistence keeps that in `mqtt_sessions`,
 * shared by every replica; Aedes' in-memory persistence (tests, a single process) gets a Map.
 */

export interface SessionOwnerStore {
  /** The owner of the client id's session: undefined when there is none, null when unclaimed. */
  sessionOwner(clientId: string): Promise<string | null | undefined>
  /** Claims the session for `owner` unless another has it; returns whoever has it afterwards. */
  claimSession(clientId: string, owner: string): Promise<string>
}

function isStore(value: unknown): value is SessionOwnerStore {
  const store = value as Partial<SessionOwnerStore> | null
  return typeof store?.sessionOwner === 'function' && typeof store.claimSession === 'function'
}

/** The persistence's own owner store, or one in memory when it has none. */
export function sessionOwnerStore(persistence: unknown): SessionOwnerStore {
  if (isStore(persistence)) {
    return {
      sessionOwner: (clientId) => persistence.sessionOwner(clientId),
      claimSession: (clientId, owner) => persistence.claimSession(clientId, owner),
    }
  }
  const owners = new Map<string, string>()
  return {
    sessionOwner: async (clientId) => owners.get(clientId),
    async claimSession(clientId, owner) {
      if (!owners.has(clientId)) owners.set(clientId, owner)
      return owners.get(clientId) as string
    },
  }
}
