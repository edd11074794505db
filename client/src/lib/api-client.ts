import type { ErrorBody, Menu, Order, OrderList, PlaceOrderInput, UpdateOrder } from '../../../contract/index.ts'
import { api } from '../../../contract/routes.ts'

/** An HTTP error of the API (`{error: {code, message}}`), or `network` when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's `Retry-After` in ms (503 `overloaded`, 429), when it sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiClientOptions {
  /** The bar token, read at each request; null for guests. */
  token?: () => string | null
  fetch?: typeof globalThis.fetch
  /** Prefix of every path; empty because the API is on the page's own origin. */
  baseUrl?: string
}

/** Follows at most this many `nextCursor` pages, so a server bug cannot loop the page forever. */
const maxPages = 200

/** Requests with the API's conventions: JSON both ways, the bearer token, errors as ApiError. */
export function createHttp(options: ApiClientOptions = {}) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const base = options.baseUrl ?? ''

  async function send(
    method: string,
    path: string,
    body?: unknown,
    { accept = 'application/json' } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept }
    const token = options.token?.()
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached.')
    }
    if (response.ok) return response
    const error = (await response.json().catch(() => null)) as Partial<ErrorBody> | null
    throw new ApiError(
      response.status,
      error?.error?.code ?? `http_${response.status}`,
      error?.error?.message ?? response.statusText,
      // Seconds, as this API sends it; absent or unreadable is null.
      Number(response.headers.get('retry-after')) * 1000 || null,
    )
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await send(method, path, body)).json() as Promise<T>
  }

  return {
    send,
    json,
    /** Every page of an order list, following `nextCursor`. */
    async orders(query: Record<string, string>): Promise<Order[]> {
      const orders: Order[] = []
      let cursor: string | null = null
      for (let page = 0; page < maxPages; page++) {
        const params = new URLSearchParams(query)
        if (cursor) params.set('cursor', cursor)
        const list = await json<OrderList>('GET', `${api.orders}?${params}`)
        orders.push(...list.orders)
        cursor = list.nextCursor
        if (!cursor) break
      }
      return orders
    },
    menu: () => json<Menu>('GET', api.menu),
    updateOrder: async (id: string, change: UpdateOrder) =>
      (await json<{ order: Order }>('PATCH', api.order(id), change)).order,
  }
}

/** What the guest page asks of the API. The bar's calls live in staff-api.ts. */
export function createGuestApi(options: ApiClientOptions = {}) {
  const http = createHttp(options)
  return {
    menu: http.menu,
    updateOrder: http.updateOrder,
    placeOrder: async (input: PlaceOrderInput) => (await http.json<{ order: Order }>('POST', api.orders, input)).order,
    /** One guest's orders, newest first. */
    guestOrders: (guestId: string) => http.orders({ guestId }),
  }
}

export type GuestApi = ReturnType<typeof createGuestApi>
