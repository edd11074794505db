import type { Hono } from 'hono'
import { PushSubscriptionInputSchema, pushLimits } from '../../contract/index.ts'
import { pushRoutes } from '../../contract/push-routes.ts'
import { createBaseApp, type FunctionDeps } from '../shared/app.ts'
import { clientAddress } from '../shared/client-address.ts'
import { countedLimits } from '../shared/counted-limits.ts'
import { Refusal } from '../shared/errors.ts'
import { createRateLimiter, type RateLimit } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'
import { endpointProblem } from './endpoint.ts'

/** Subscriptions a guest may register a minute: one per order and a few reloads. */
export const subscribeLimits: { perGuest: RateLimit; perAddress: RateLimit } = {
  perGuest: { limit: 10, windowMs: 60_000 },
  perAddress: { limit: 300, windowMs: 60_000 },
}

/**
 * Web Push for guests: `GET /api/push/key` gives the VAPID public key the page subscribes with;
 * `POST /api/push/subscriptions` keeps a browser's subscription for a guest id (the credential,
 * as for the guest's orders), so that the guest hears of a ready order with the page closed.
 */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, vapidPublicKey, trustProxy = false, pushAllowLoopback = false, pushHosts } = deps
  const perGuest = createRateLimiter(subscribeLimits.perGuest)
  const perAddress = createRateLimiter(subscribeLimits.perAddress)
  const counted = countedLimits((status) => status === 201)
  const available = () => {
    if (!vapidPublicKey) throw new Refusal(503, 'unavailable', 'push notifications are not set up here')
    return vapidPublicKey
  }
  return createBaseApp(deps)
    .use(pushRoutes.subscriptions, counted.middleware)
    .get(pushRoutes.key, (c) => {
      c.header('cache-control', 'no-cache')
      return c.json({ publicKey: available() })
    })
    .post(pushRoutes.subscriptions, async (c) => {
      available()
      const input = await readJson(c, PushSubscriptionInputSchema)
      const problem = endpointProblem(input.endpoint, pushAllowLoopback, pushHosts)
      if (problem) throw new Refusal(400, 'invalid_input', problem, [{ path: 'endpoint', message: problem }])
      counted.take(c, perAddress, clientAddress(c, trustProxy), 'subscriptions from your network')
      counted.take(c, perGuest, input.guestId, 'subscriptions')
      await sql.begin(async (tx) => {
        // The same browser again (a reload, a new guest id after clearing the page's data): one row.
        await tx`
          insert into push_subscriptions (guest_id, endpoint, p256dh, auth, language)
          values (${input.guestId}, ${input.endpoint}, ${input.keys.p256dh}, ${input.keys.auth}, ${input.language})
          on conflict (endpoint) do update set guest_id = excluded.guest_id, p256dh = excluded.p256dh,
            auth = excluded.auth, language = excluded.language, created_at = now()`
        await tx`
          delete from push_subscriptions where guest_id = ${input.guestId} and id not in (
            select id from push_subscriptions where guest_id = ${input.guestId}
            order by created_at desc, id desc limit ${pushLimits.subscriptionsPerGuest})`
      })
      return c.json({ subscription: { endpoint: input.endpoint, language: input.language } }, 201)
    })
}
