// Paths of the HTTP API, in a module of their own so the guest page's first download has them
// without the schemas.
const orders = '/api/orders'
const menu = '/api/menu'

/** Routes of the HTTP API, as the functions declare them: `:name` marks a path parameter. */
export const routes = {
  orders,
  order: `${orders}/:id`,
  menu,
  drink: `${menu}/:drinkId`,
  openapi: '/api/openapi.json',
  healthz: '/api/healthz',
  readyz: '/api/readyz',
} as const

/** HTTP paths of the API, parameters filled in. */
export const api = {
  orders,
  order: (id: string) => `${orders}/${encodeURIComponent(id)}`,
  menu,
  drink: (drinkId: string) => `${menu}/${encodeURIComponent(drinkId)}`,
} as const
