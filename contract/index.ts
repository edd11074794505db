/**
 * The contract shared by functions, broker and client: topics, payloads, the order and menu
 * schemas. It imports nothing of ours.
 */
export * from './menu.ts'
export * from './messages.ts'
export * from './order.ts'
export * from './payloads.ts'
export * from './topics.ts'

/** HTTP paths of the API. */
export const api = {
  orders: '/api/orders',
  order: (id: string) => `/api/orders/${encodeURIComponent(id)}`,
  menu: '/api/menu',
  drink: (drinkId: string) => `/api/menu/${encodeURIComponent(drinkId)}`,
  healthz: '/api/healthz',
  readyz: '/api/readyz',
} as const
