import type { Message } from '../../contract/index.ts'
import { type Registry, topicFamily } from '../../runtime/metrics.ts'
import { Counter, Histogram } from '../../runtime/prom.ts'
import type { Publisher } from './publisher.ts'

/** What the functions count; one set per registry, shared by every function of a process. */
export interface FunctionMetrics {
  /** One answered request: its route as registered (never the raw path), status and duration. */
  request(method: string, route: string, status: number, seconds: number): void
  orderPlaced(): void
  /** An order refused, by the error code it was refused with. */
  orderRefused(reason: string): void
  /** The publisher, counting what it hands to the broker and what fails (then left to the outbox). */
  countPublishes(publisher: Publisher): Publisher
}

// From a fast local answer to a slow database; the spec's order path is well under a second.
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createFunctionMetrics(registry: Registry): FunctionMetrics {
  const registers = [registry]
  const requests = new Counter({
    name: 'drinks_http_requests_total',
    help: 'HTTP requests answered by the functions, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  })
  const duration = new Histogram({
    name: 'drinks_http_request_duration_seconds',
    help: 'Time from request to response in the functions, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: latencyBuckets,
    registers,
  })
  const placed = new Counter({
    name: 'drinks_orders_placed_total',
    help: 'Orders placed (201), retries of a stored order not counted',
    registers,
  })
  const refused = new Counter({
    name: 'drinks_orders_refused_total',
    help: 'Orders refused, by the error code of the answer (sold_out, rate_limited, invalid_input...)',
    labelNames: ['reason'] as const,
    registers,
  })
  const published = new Counter({
    name: 'drinks_messages_published_total',
    help: 'Messages the functions handed to the broker and it acknowledged, by topic',
    labelNames: ['topic'] as const,
    registers,
  })
  const failures = new Counter({
    name: 'drinks_publish_failures_total',
    help: 'Messages the broker did not take from a function (left in the outbox for the relay), by topic',
    labelNames: ['topic'] as const,
    registers,
  })
  return {
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) })
      duration.observe({ method, route }, seconds)
    },
    orderPlaced: () => placed.inc(),
    orderRefused: (reason) => refused.inc({ reason: /^[a-z_]{1,40}$/.test(reason) ? reason : 'other' }),
    countPublishes(publisher) {
      return {
        connected: () => publisher.connected(),
        saturated: () => publisher.saturated(),
        close: () => publisher.close(),
        async publish(message: Message) {
          const topic = topicFamily(message.topic)
          try {
            await publisher.publish(message)
          } catch (error) {
            failures.inc({ topic })
            throw error
          }
          published.inc({ topic })
        },
      }
    },
  }
}
