/**
 * What the access hooks know of each connected client, kept beside Aedes' Client objects, and
 * the few Aedes internals they read (Aedes 1.2; the tests of broker/ fail if these move).
 */
import type { EventEmitter } from 'node:events'
import type { Aedes, Client } from 'aedes'
import type { Role } from './rules.ts'

/** The parts of an Aedes Client its type declarations leave out. */
export interface ClientInternals {
  broker: Aedes & { clients: Record<string, Client | undefined> }
  /** Filter → subscription, for the filters the client holds now. */
  subscriptions: Record<string, unknown>
  /** The client's mqtt-packet parser; it emits each packet before Aedes handles it. */
  _parser: EventEmitter
}

export function internals(client: Client): ClientInternals {
  return client as unknown as ClientInternals
}

const roles = new WeakMap<Client, Role>()

/** The role a client authenticated as; undefined before CONNECT was accepted. */
export function clientRole(client: Client): Role | undefined {
  return roles.get(client)
}

export function setClientRole(client: Client, role: Role): void {
  roles.set(client, role)
}

/** Subscription objects the hooks granted: only those are ever stored with a session. */
export const granted = new WeakSet<object>()

/** Subscription objects beyond the bound of their SUBSCRIBE packet: refused. */
export const beyondBound = new WeakSet<object>()

const held = new WeakMap<Client, Set<string>>()

/** The filters granted to the client and not unsubscribed since (the per-session bound). */
export function heldFilters(client: Client): Set<string> {
  const filters = held.get(client) ?? new Set<string>()
  held.set(client, filters)
  return filters
}
