/**
 * The access table of the spec, as pure functions of a role and a topic. The Aedes hooks
 * (hooks.ts) and the guard on the persistence (persistence-guard.ts) both decide from here.
 */
import { guestIdOfTopic, stationIdOfTopic, topics } from '../../contract/index.ts'
import { defaultMaxTopicBytes } from '../topic-rules.ts'

export type Role = 'guest' | 'bar' | 'printer' | 'service' | 'cloudprnt'

const roles: readonly string[] = ['guest', 'bar', 'printer', 'service', 'cloudprnt'] satisfies Role[]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && roles.includes(value)
}

/** Who may read what: a filter to subscribe to, or the topic of a message to receive. */
export function maySubscribe(role: Role, filter: string): boolean {
  const [first] = filter.split('/')
  switch (role) {
    case 'service':
      return true
    case 'bar':
      return first === 'bar' || first === 'public' || first === 'guests'
    case 'printer':
      // All tickets, or one concrete station's: never a wildcard over the stations.
      return filter === topics.barTickets || filter === topics.barOrders || stationIdOfTopic(filter) !== null
    case 'cloudprnt':
      // Each Star printer its own topics: decided per MAC in cloudprnt.ts, never by role alone.
      return false
    case 'guest':
      // One concrete guest id, never a wildcard: a guest sees its own orders only.
      return first === 'public' || guestIdOfTopic(filter) !== null
  }
}

/** Only the service (the functions) publishes; the bar acts through HTTP. Wills included. */
export function mayPublish(role: Role): boolean {
  return role === 'service'
}

/** The bounds on what one client may ask of the broker; see broker/README.md. */
export interface AccessLimits {
  /** Topic filters one SUBSCRIBE may carry; those beyond get SUBACK 0x80. The page sends 3. */
  maxTopicsPerSubscribe: number
  /** Filters a session holds at once, restored ones included; more get SUBACK 0x80. */
  maxSubscriptionsPerSession: number
  /** UTF-8 bytes of a topic name or filter (topic-rules.ts); a longer filter gets SUBACK 0x80. */
  maxTopicBytes: number
}

export const defaultAccessLimits: AccessLimits = {
  maxTopicsPerSubscribe: 16,
  maxSubscriptionsPerSession: 32,
  maxTopicBytes: defaultMaxTopicBytes,
}
