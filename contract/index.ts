/**
 * The contract shared by functions, broker and client: topics, payloads, the order and menu
 * schemas. It imports nothing of ours.
 */
export * from './backoff.ts'
export * from './cloudprnt.ts'
export * from './menu.ts'
export * from './messages.ts'
export * from './order.ts'
export * from './payloads.ts'
export * from './topics.ts'

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
  /** The CloudPRNT "Server URL" a printer is given; nothing answers it (see cloudprntSetting). */
  cloudprntServer: '/api/cloudprnt/server',
  /** Where a printer fetches its settings: `cloudprnt-setting.json` beside its Server URL. */
  cloudprntSetting: '/api/cloudprnt/cloudprnt-setting.json',
  cloudprntPrinters: '/api/cloudprnt/printers',
  cloudprntPrinter: '/api/cloudprnt/printers/:mac',
} as const

/** HTTP paths of the API, parameters filled in. */
export const api = {
  orders,
  order: (id: string) => `${orders}/${encodeURIComponent(id)}`,
  menu,
  drink: (drinkId: string) => `${menu}/${encodeURIComponent(drinkId)}`,
  cloudprntPrinter: (mac: string) => `/api/cloudprnt/printers/${encodeURIComponent(mac)}`,
} as const
