import type { Sql } from 'postgres'
import webpush from 'web-push'
import { backoffDelay, pushLeaseMs } from '../../contract/index.ts'
import type { Logger } from '../logger.ts'
import type { Registry } from '../metrics.ts'
import { Counter } from '../prom.ts'
import type { PushOptions } from './options.ts'
import type { VapidKeys } from './vapid.ts'

/** One row of `push_outbox` with the subscription it goes to, as a sender needs it. */
export interface PushDelivery {
  orderId: string
  subscriptionId: string
  endpoint: string
  p256dh: string
  auth: string
  payload: string
  /** Tries made before this one. */
  attempts: number
}

/** How one try ended. */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'gave-up' | 'skipped'

export interface PushSender {
  /** Pushes in flight at once, at most. */
  concurrency: number
  /**
   * Sends deliveries this process holds the lease of (until `leaseDeadline`), at most
   * `concurrency` at once; resolves when each has been tried once and its outcome is recorded.
   * Never throws: a failure is recorded for a later try, or logged.
   */
  send(deliveries: PushDelivery[], leaseDeadline?: number): Promise<PushOutcome[]>
}

/**
 * Sends Web Push messages (RFC 8030) encrypted for each subscription (RFC 8291, aes128gcm) and
 * signed with the VAPID keys (RFC 8292), through `web-push`, and records each outcome in
 * `push_outbox`: sent; the subscription gone (404, 410: it is deleted, with its rows); a retry
 * after a backoff (network errors, timeouts, 429, 5xx) until `maxAttempts`; or given up (any
 * other answer, which a retry would only repeat).
 */
export function createPushSender({
  sql,
  vapid,
  log,
  options,
  metrics,
}: {
  sql: Sql
  vapid: VapidKeys
  log: Logger
  options: PushOptions
  /** Where `drinks_pushes_total{outcome}` is counted; nowhere when omitted. */
  metrics?: Registry
}): PushSender {
  const tries = metrics
    ? new Counter({
        name: 'drinks_pushes_total',
        help: 'Tries to hand a Web Push to a push service, by outcome: sent, gone (404/410), retry, gave-up, skipped',
        labelNames: ['outcome'] as const,
        registers: [metrics],
      })
    : null
  let running = 0
  const waiting: (() => void)[] = []
  const slot = async (): Promise<boolean> => {
    if (running < options.concurrency) {
      running++
      return true
    }
    if (waiting.length >= options.maxQueued) return false
    await new Promise<void>((go) => waiting.push(go))
    running++
    return true
  }
  const release = () => {
    running--
    waiting.shift()?.()
  }

  async function post(delivery: PushDelivery): Promise<{ status: number; retryAfter: number | null }> {
    const details = webpush.generateRequestDetails(
      { endpoint: delivery.endpoint, keys: { p256dh: delivery.p256dh, auth: delivery.auth } },
      delivery.payload,
      {
        vapidDetails: vapid,
        TTL: options.ttlSeconds,
        urgency: 'high',
        // The push service replaces a message still waiting under the same topic (RFC 8030,
        // section 5.4): a retry that overlaps a delivered try reaches the phone once.
        topic: delivery.orderId.replaceAll('-', ''),
        contentEncoding: 'aes128gcm',
      },
    )
    const headers = Object.fromEntries(
      Object.entries(details.headers)
        .filter(([name]) => name.toLowerCase() !== 'content-length')
        .map(([name, value]) => [name, String(value)]),
    )
    // web-push builds the request (encryption, VAPID); it is sent here so that the timeout,
    // redirects and the answer are ours to bound and read.
    const response = await fetch(details.endpoint, {
      method: 'POST',
      headers,
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
    await response.body?.cancel()
    const after = Number(response.headers.get('retry-after'))
    return { status: response.status, retryAfter: Number.isFinite(after) && after > 0 ? after : null }
  }

  async function record(delivery: PushDelivery, outcome: PushOutcome, delayMs = 0): Promise<void> {
    const { orderId, subscriptionId } = delivery
    if (outcome === 'sent') {
      await sql`update push_outbox set sent_at = clock_timestamp(), attempts = attempts + 1
        where order_id = ${orderId} and subscription_id = ${subscriptionId}`
    } else if (outcome === 'gone') {
      await sql`delete from push_subscriptions where id = ${subscriptionId}`
    } else if (outcome === 'gave-up') {
      await sql`update push_outbox set sent_at = clock_timestamp(), gave_up = true, attempts = attempts + 1
        where order_id = ${orderId} and subscription_id = ${subscriptionId}`
    } else if (outcome === 'retry') {
      await sql`update push_outbox set attempts = attempts + 1,
          lease_until = clock_timestamp() + ${delayMs} * interval '1 millisecond'
        where order_id = ${orderId} and subscription_id = ${subscriptionId}`
    }
  }

  async function tryOnce(delivery: PushDelivery, leaseDeadline: number): Promise<PushOutcome> {
    if (!(await slot())) return 'skipped'
    try {
      // Waited too long for a slot: the lease may be the relay's by now, which tries it itself.
      if (Date.now() + options.timeoutMs > leaseDeadline) return 'skipped'
      let outcome: PushOutcome
      let delayMs = 0
      let reason: string
      try {
        const { status, retryAfter } = await post(delivery)
        reason = `status ${status}`
        if (status >= 200 && status < 300) outcome = 'sent'
        else if (status === 404 || status === 410) outcome = 'gone'
        else if (status === 429 || status >= 500) {
          outcome = 'retry'
          delayMs = Math.min(options.backoffMaxMs, Math.max(retryAfter ? retryAfter * 1000 : 0, 0))
        } else outcome = 'gave-up'
      } catch (error) {
        outcome = 'retry'
        reason = (error as Error).message
      }
      if (outcome === 'retry') {
        if (delivery.attempts + 1 >= options.maxAttempts) outcome = 'gave-up'
        else {
          const backoff = backoffDelay(delivery.attempts + 1, {
            baseMs: options.backoffBaseMs,
            maxMs: options.backoffMaxMs,
          })
          delayMs = Math.max(delayMs, options.backoffBaseMs / 2 + backoff)
        }
      }
      tries?.inc({ outcome })
      if (outcome !== 'sent') log.warn(`push for order ${delivery.orderId}: ${outcome} (${reason})`)
      await record(delivery, outcome, delayMs).catch((error: Error) => {
        // The lease runs out and the relay tries again; the push service's topic folds a repeat.
        log.warn(`could not record a push's outcome: ${error.message}`)
      })
      return outcome
    } finally {
      release()
    }
  }

  return {
    concurrency: options.concurrency,
    send(deliveries, leaseDeadline = Date.now() + pushLeaseMs) {
      return Promise.all(deliveries.map((delivery) => tryOnce(delivery, leaseDeadline)))
    },
  }
}
