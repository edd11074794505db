// Paths of the HTTP API, in a module of their own so the guest page's first download has them
// without the schemas.
const orders = '/api/orders'
const menu = '/api/menu'
const stations = '/api/stations'
const events = '/api/events'

/**
 * Routes of the HTTP API, as the functions declare them: `:name` marks a path parameter. The
 * push routes are `pushRoutes` (push-routes.ts), the CloudPRNT ones `cloudprntRoutes`
 * (cloudprnt.ts).
 */
export const routes = {
  orders,
  order: `${orders}/:id`,
  menu,
  drink: `${menu}/:drinkId`,
  station: `${stations}/:stationId`,
  events,
  openapi: '/api/openapi.json',
  healthz: '/api/healthz',
  readyz: '/api/readyz',
} as const

/** MQTT over WebSocket: on the broker's HTTP port, and on the page's own host. */
export const mqttPath = '/mqtt'

/** HTTP paths of the API, parameters filled in. */
export const api = {
  orders,
  order: (id: string) => `${orders}/${encodeURIComponent(id)}`,
  menu,
  drink: (drinkId: string) => `${menu}/${encodeURIComponent(drinkId)}`,
  events,
} as const
