/** Every MQTT topic of the system, spelled once. */
export const topics = {
  /** `{event, order}` for every placed or changed order (QoS 1). */
  barOrders: 'bar/orders',
  /** A plain-text ticket for every placed order (QoS 1). */
  barTickets: 'bar/tickets',
  /** `{nickname, drinkId, at}` for every placed order (QoS 0). */
  publicTicker: 'public/ticker',
  /** The menu, retained (QoS 1). */
  publicMenu: 'public/menu',
  /** `{numbers, at}`: the pickup numbers that are ready, retained (QoS 1); numbers only. */
  publicPickup: 'public/pickup',
  /** `{printers, outbox, at}`: what the bar must know of the printers and the outbox, retained (QoS 1). */
  barStatus: 'bar/status',
  /** `{event, order}` for one guest's orders (QoS 1). */
  guestOrders: (guestId: string) => `guests/${guestId}/orders`,
  /** `bar/orders` for one station: the events of the orders of its drinks (QoS 1). */
  stationOrders: (stationId: string) => `bar/stations/${stationId}/orders`,
  /** `bar/tickets` for one station: a ticket for every order of its drinks placed (QoS 1). */
  stationTickets: (stationId: string) => `bar/stations/${stationId}/tickets`,
  /** What the CloudPRNT server sends one Star printer: `print-job` and the other methods (QoS 1). */
  cloudprntToDevice: (mac: string, method: string) => `star/cloudprnt/to-device/${mac}/${method}`,
  /** What one Star printer sends: `print-result`, `client-status`, `client-will` (QoS 1). */
  cloudprntToServer: (mac: string, method: string) => `star/cloudprnt/to-server/${mac}/${method}`,
} as const

const guestTopic = /^guests\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/orders$/i

/** The guest id of a `guests/<guestId>/orders` topic, or null for any other topic or filter. */
export function guestIdOfTopic(topic: string): string | null {
  return guestTopic.exec(topic)?.[1] ?? null
}

const stationTopic = /^bar\/stations\/([a-z0-9-]{1,32})\/(orders|tickets)$/

/** The station id of a `bar/stations/<id>/orders` or `.../tickets` topic, or null for any other topic or filter. */
export function stationIdOfTopic(topic: string): string | null {
  return stationTopic.exec(topic)?.[1] ?? null
}
