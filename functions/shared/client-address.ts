import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { forwardedClient } from '../../runtime/forwarded-for.ts'

/**
 * The address a request came from: behind our ingress (`trustProxy`), the rightmost
 * X-Forwarded-For entry that is not private (runtime/forwarded-for.ts says why); otherwise the
 * socket's peer.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const client = forwardedClient(c.req.header('x-forwarded-for'))
    if (client) return client
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}
