/**
 * The contract shared by functions, broker and client: topics, payloads, the order and menu
 * schemas. It imports nothing of ours.
 */
export * from './menu.ts'
export * from './messages.ts'
export * from './order.ts'
export * from './payloads.ts'
export * from './topics.ts'

/** Routes of the HTTP API, as the functions declare them: `:name` marks a path parameter. */
export const routes = {
  orders: '/api/orders',
  order: '/api/orders/:id',
  menu: '/api/menu',
  drink: '/api/menu/:drinkId',
  openapi: '/api/openapi.json',
  healthz: '/api/healthz',
  readyz: '/api/readyz',
} as const

const fill = (route: string, value: string) => route.replace(/:\w+/, encodeURIComponent(value))

/** HTTP paths of the API, parameters filled in. */
export const api = {
  orders: routes.orders,
  order: (id: string) => fill(routes.order, id),
  menu: routes.menu,
  drink: (drinkId: string) => fill(routes.drink, drinkId),
  healthz: routes.healthz,
  readyz: routes.readyz,
} as const
