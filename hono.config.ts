/**
 * The one list of functions. The all-in-one server mounts them all, `npm run function -- <name>`
 * starts one alone, the bundler builds one file per entry, and the Kubernetes manifests get one
 * Knative Service each, routed by `routes`.
 */
import { cloudprntRoutes, routes } from './contract/index.ts'
import { pushRoutes } from './contract/push-routes.ts'

export interface FunctionDefinition {
  /** Also the Knative Service name and the `npm run function` argument. */
  name: string
  /** Module exporting `createApp(deps)` and optionally `start(deps)`. */
  entry: string
  /** What the function answers; the ingress sends these paths to it. */
  routes: { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; path: string }[]
  scaling: {
    minScale: number
    maxScale: number
    /** Concurrent requests per pod the autoscaler aims for. */
    target: number
    /** Hard limit of concurrent requests per pod (0: none). */
    containerConcurrency: number
  }
}

export const functions: FunctionDefinition[] = [
  {
    name: 'place-order',
    entry: 'functions/place-order/index.ts',
    routes: [{ method: 'POST', path: routes.orders }],
    scaling: { minScale: 0, maxScale: 10, target: 50, containerConcurrency: 200 },
  },
  {
    name: 'list-orders',
    entry: 'functions/list-orders/index.ts',
    routes: [{ method: 'GET', path: routes.orders }],
    scaling: { minScale: 0, maxScale: 5, target: 50, containerConcurrency: 100 },
  },
  {
    name: 'update-order',
    entry: 'functions/update-order/index.ts',
    routes: [{ method: 'PATCH', path: routes.order }],
    scaling: { minScale: 0, maxScale: 5, target: 50, containerConcurrency: 100 },
  },
  {
    name: 'menu',
    entry: 'functions/menu/index.ts',
    routes: [
      { method: 'GET', path: routes.menu },
      { method: 'PUT', path: routes.drink },
      { method: 'PUT', path: routes.station },
      { method: 'DELETE', path: routes.station },
      { method: 'POST', path: routes.events },
      { method: 'GET', path: routes.openapi },
    ],
    scaling: { minScale: 0, maxScale: 3, target: 100, containerConcurrency: 200 },
  },
  {
    name: 'push',
    entry: 'functions/push/index.ts',
    routes: [
      { method: 'GET', path: pushRoutes.key },
      { method: 'POST', path: pushRoutes.subscriptions },
    ],
    scaling: { minScale: 0, maxScale: 3, target: 100, containerConcurrency: 200 },
  },
  {
    name: 'cloudprnt',
    entry: 'functions/cloudprnt/index.ts',
    routes: [
      { method: 'POST', path: cloudprntRoutes.printers },
      { method: 'GET', path: cloudprntRoutes.printers },
      { method: 'GET', path: cloudprntRoutes.setting },
      { method: 'DELETE', path: cloudprntRoutes.printer },
    ],
    // Printers ask for their settings at power-on and hourly; the bar registers a few.
    scaling: { minScale: 0, maxScale: 2, target: 50, containerConcurrency: 100 },
  },
]

export function findFunction(name: string): FunctionDefinition {
  const found = functions.find((fn) => fn.name === name)
  if (!found) throw new Error(`no function "${name}"; there are: ${functions.map((fn) => fn.name).join(', ')}`)
  return found
}
