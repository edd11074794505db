import { createServer, type Server, type ServerResponse } from 'node:http'
import type { Registry as RegistryType } from 'prom-client'
import { guestIdOfTopic, topics } from '../contract/index.ts'
import { Counter, Gauge, Registry as PromRegistry } from './prom.ts'

export type Registry = RegistryType

/** The path every deployable serves its metrics on; never routed by the public ingress. */
export const METRICS_PATH = '/metrics'

/**
 * A registry of its own for one process (or one test), never prom-client's global one, so that
 * two stacks in one test process do not count into each other. `process: true` adds Node's own
 * metrics (CPU, memory, event loop lag), which a deployable wants and a test does not need.
 */
export function createMetricsRegistry({ process = false }: { process?: boolean } = {}): Registry {
  const registry = new PromRegistry()
  if (process) observeProcess(registry)
  return registry
}

/**
 * Node's own figures under their conventional names: CPU, resident memory, heap and start time.
 * (prom-client's default metrics would bring OpenTelemetry into every function's bundle.)
 */
function observeProcess(registry: Registry): void {
  const registers = [registry]
  const started = Date.now() / 1000 - globalThis.process.uptime()
  let counted = 0
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, in seconds.',
    registers,
    collect() {
      const { user, system } = globalThis.process.cpuUsage()
      const total = (user + system) / 1e6
      this.inc(Math.max(0, total - counted))
      counted = total
    },
  })
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size, in bytes.',
    registers,
    collect() {
      this.set(globalThis.process.memoryUsage.rss())
    },
  })
  new Gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'V8 heap in use, in bytes.',
    registers,
    collect() {
      this.set(globalThis.process.memoryUsage().heapUsed)
    },
  })
  new Gauge({ name: 'process_start_time_seconds', help: 'When the process started, in Unix seconds.', registers }).set(
    Math.round(started),
  )
}

/** The registry in Prometheus' text format, as a fetch `Response`; a 500 in the error shape if a metric fails. */
export async function metricsResponse(registry: Registry): Promise<Response> {
  try {
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } })
  } catch (error) {
    const body = { error: { code: 'internal', message: `metrics failed: ${(error as Error).message}` } }
    return Response.json(body, { status: 500 })
  }
}

/** Answers a Node HTTP request with the registry (see `metricsResponse`). */
export async function writeMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  const response = await metricsResponse(registry)
  res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' })
  res.end(await response.text())
}

/**
 * A plain HTTP server that answers `GET /metrics` and nothing else, for a part that serves no
 * HTTP of its own (the printer bridge). `port` 0 takes any free port.
 */
export function serveMetrics(registry: Registry, port: number, host?: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'not_found', message: `only GET ${METRICS_PATH} is served here` } }))
      return
    }
    await writeMetrics(registry, res)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

const namedTopics: ReadonlySet<string> = new Set(Object.values(topics).filter((topic) => typeof topic === 'string'))

/**
 * What a metric label says of a topic: the topic itself when the contract names it, `guests` for
 * any guest's topic, `sys` or `other`. Never the topic as sent, which would let a client make
 * endless label values.
 */
export function topicFamily(topic: string): string {
  if (namedTopics.has(topic)) return topic
  if (guestIdOfTopic(topic)) return 'guests'
  return topic.startsWith('$SYS/') ? 'sys' : 'other'
}

/**
 * Runs a query for a scrape: resolves null when it fails or takes longer than `timeoutMs`, so a
 * database that is away leaves its gauges out instead of failing or stalling the whole scrape.
 */
export function scrapeQuery<T>(run: () => Promise<T>, timeoutMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs)
  })
  return Promise.race([run().catch(() => null), timeout]).finally(() => clearTimeout(timer))
}

/**
 * One load shared by the gauges of one scrape: prom-client collects all metrics at once, so
 * each gauge awaits the same query instead of running its own or reading another's half-set values.
 */
export function sharedLoad<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null
  return () => {
    pending ??= load().finally(() => {
      pending = null
    })
    return pending
  }
}
