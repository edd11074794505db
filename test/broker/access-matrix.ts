/**
 * The session-isolation matrix of matrix.test.ts, written out: who receives what, by every path.
 * Not used outside tests.
 */
import { randomUUID } from 'node:crypto'
import { topics } from '../../contract/index.ts'
import { credentials } from './access-support.ts'

export const roles = ['guest', 'otherGuest', 'bar', 'printer', 'service'] as const
export type Role = (typeof roles)[number]
export const guestIds = { guest: randomUUID(), otherGuest: randomUUID() }
export const login = (role: Role) => credentials[role === 'otherGuest' ? 'guest' : role]

/** Every topic a message is published on in each path. */
export const universe = [
  topics.barOrders,
  topics.barTickets,
  topics.stationOrders('coffee'),
  topics.stationTickets('coffee'),
  topics.publicMenu,
  topics.publicTicker,
  topics.guestOrders(guestIds.guest),
  topics.guestOrders(guestIds.otherGuest),
  'internal/audit',
].sort()

/** What each identity subscribes to: what a hostile client would try, and what it needs. */
export const tries = (role: Role): string[] => [
  '#',
  'bar/#',
  'public/#',
  'guests/+/orders',
  'guests/#',
  '+/orders',
  'internal/#',
  'bar/stations/+/tickets',
  // Last, a concrete topic it may read: its retained message arrives after all the others.
  ...(role === 'guest' || role === 'otherGuest' ? [topics.guestOrders(guestIds[role])] : []),
  ...(role === 'printer' ? [topics.barTickets, topics.barOrders, topics.stationTickets('coffee')] : []),
  ...(role === 'bar' || role === 'service' ? [topics.barOrders] : []),
]

const readable: Record<Role, string[]> = {
  guest: [topics.guestOrders(guestIds.guest), topics.publicMenu, topics.publicTicker],
  otherGuest: [topics.guestOrders(guestIds.otherGuest), topics.publicMenu, topics.publicTicker],
  bar: universe.filter((topic) => topic !== 'internal/audit'),
  printer: [topics.barOrders, topics.barTickets, topics.stationTickets('coffee')],
  service: universe,
}
const sorted = (list: string[]) => [...list].sort()

/** The matrix. `refused`: CONNACK 5; a list: the topics received, nothing else. */
export const expected: Record<string, Record<Role, string[] | 'refused'>> = {
  live: { ...mapRoles((role) => sorted(readable[role])) },
  'offline queue': { ...mapRoles((role) => sorted(readable[role])), guest: 'refused', otherGuest: 'refused' },
  retained: { ...mapRoles((role) => sorted(readable[role])) },
  'will (receiving)': { ...mapRoles((role) => sorted(readable[role])) },
  'will (leaving one)': { ...mapRoles(() => 'refused'), service: [] },
  // The printer's persistent session, with a ticket queued, taken over by each identity.
  'takeover of a printer session, clean 0': { ...mapRoles(() => 'refused'), printer: [topics.barTickets] },
  'takeover of a printer session, clean 1': { ...mapRoles(() => 'refused'), printer: [] },
  // A guest's clean session, online, taken over: only by a guest, and it brings nothing along.
  'takeover of an online guest, clean 0': { ...mapRoles(() => 'refused') },
  'takeover of an online guest, clean 1': { ...mapRoles(() => 'refused'), guest: [], otherGuest: [] },
}

export function mapRoles<T>(value: (role: Role) => T): Record<Role, T> {
  return Object.fromEntries(roles.map((role) => [role, value(role)])) as Record<Role, T>
}

export const mine = (received: { topic: string; payload: string }[], marker: string) =>
  sorted([...new Set(received.filter((m) => m.payload.startsWith(marker)).map((m) => m.topic))])
