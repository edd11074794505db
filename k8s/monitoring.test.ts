/**
 * The operator's view on Kubernetes: what Prometheus scrapes, the dashboard and the alerts name
 * only metrics the running system exports, and `/metrics` stays off the public route.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { functions } from '../hono.config.ts'
import { renderManifests, scrapeAnnotations } from '../scripts/manifests.ts'
import { type Scrape, scrape } from '../test/prometheus.ts'
import { stackForFile } from '../test/stack.ts'

const dir = join(import.meta.dirname, 'monitoring')
const datasourceVariable = '$' + '{datasource}'
const read = (file: string) => readFileSync(join(dir, file), 'utf8')

// biome-ignore lint/suspicious/noExplicitAny: free-form JSON and YAML under test
type Any = any

interface Panel {
  id: number
  type: string
  title: string
  gridPos: { h: number; w: number; x: number; y: number }
  datasource: { type: string; uid: string }
  targets: { refId: string; expr: string; datasource: { type: string } }[]
}

const dashboard = JSON.parse(read('grafana-dashboard.json')) as Any
const rules = (parse(read('prometheus-rule.yaml')) as Any).spec.groups.flatMap((group: Any) => group.rules) as Any[]
const exprs = [
  ...(dashboard.panels as Panel[]).flatMap((panel) => panel.targets.map((target) => target.expr)),
  ...rules.map((rule) => rule.expr as string),
]

/** The metric names of a PromQL expression: ours all start with `drinks_`. */
const metricsOf = (expr: string) => [...expr.matchAll(/\bdrinks_[a-z0-9_]+\b/g)].map(([name]) => name)

/** Whether a scrape has the metric `name`, a histogram's `_bucket`, `_sum` and `_count` included. */
function exported(now: Scrape, name: string): boolean {
  if (now.types.has(name) || now.has(name)) return true
  const family = name.replace(/_(bucket|sum|count)$/, '')
  return now.types.get(family) === 'histogram'
}

describe('the metrics the dashboard and the alerts use', () => {
  const stack = stackForFile()

  it('are all in a scrape of the running system', async () => {
    const now = await scrape(`${stack.httpUrl}/metrics`)
    const used = new Set(exprs.flatMap(metricsOf))
    expect(used.size).toBeGreaterThan(10)
    expect([...used].filter((name) => !exported(now, name))).toEqual([])
  })
})

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana loads: title, uid, schema version, a Prometheus datasource variable', () => {
    expect(dashboard).toMatchObject({ title: expect.any(String), uid: expect.stringMatching(/^[a-z0-9-]{1,40}$/) })
    expect(Number.isInteger(dashboard.schemaVersion)).toBe(true)
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    )
  })

  it('has the night questions as panels, each with targets on the Prometheus datasource', () => {
    const panels = dashboard.panels as Panel[]
    const titles = panels.map((panel) => panel.title)
    for (const wanted of [
      'Orders per minute',
      'POST → bar, 95th percentile',
      'Refused orders by reason',
      'Outbox',
      'Printers online',
      'Connected guests',
      'Broker replica bus',
    ]) {
      expect(titles).toContain(wanted)
    }
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length)
    for (const panel of panels) {
      expect(['timeseries', 'stat', 'gauge', 'table']).toContain(panel.type)
      // The dashboard's datasource variable, which Grafana fills in on import.
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: datasourceVariable })
      const { h, w, x, y } = panel.gridPos
      expect(h > 0 && w > 0 && x >= 0 && y >= 0 && x + w <= 24, panel.title).toBe(true)
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const target of panel.targets) {
        expect(target.refId).toMatch(/^[A-Z]$/)
        expect(target.datasource.type).toBe('prometheus')
        expect(metricsOf(target.expr).length, target.expr).toBeGreaterThan(0)
      }
    }
  })
})

describe('the alerts (PrometheusRule)', () => {
  it('name the night failures, each with a duration, a severity and a summary', () => {
    const rule = parse(read('prometheus-rule.yaml')) as Any
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' })
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'DrinksOutboxStuck',
        'DrinksPrinterOffline',
        'DrinksHttpErrors',
        'DrinksBrokerReplicasDisagree',
      ]),
    )
    for (const r of rules) {
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/)
      expect(['warning', 'critical']).toContain(r.labels.severity)
      expect(r.annotations.summary, r.alert).toBeTruthy()
    }
    expect(rules.find((r) => r.alert === 'DrinksOutboxStuck').expr).toContain('> 10')
    expect(rules.find((r) => r.alert === 'DrinksPrinterOffline').for).toBe('1m')
  })

  it('come with a PodMonitor that scrapes the broker and the functions on their own ports', () => {
    const monitor = parse(read('pod-monitor.yaml')) as Any
    expect(monitor.kind).toBe('PodMonitor')
    expect(monitor.spec.podMetricsEndpoints.map((e: Any) => [e.port, e.path])).toEqual([
      ['http', '/metrics'],
      ['user-port', '/metrics'],
    ])
    expect(parse(read('kustomization.yaml')).resources).toEqual(['pod-monitor.yaml', 'prometheus-rule.yaml'])
  })
})

describe('scraping on Kubernetes', () => {
  const generated = renderManifests()

  it('annotates the broker and every function pod for Prometheus, on the app port', () => {
    const broker = parse(readFileSync(join(import.meta.dirname, 'base/broker/deployment.yaml'), 'utf8')) as Any
    expect(broker.spec.template.metadata.annotations).toEqual(scrapeAnnotations)
    expect(broker.spec.template.spec.containers[0].ports).toContainEqual({ name: 'http', containerPort: 8080 })
    for (const fn of functions) {
      const service = parse(generated.get(`k8s/base/functions/${fn.name}.yaml`) ?? '') as Any
      expect(service.spec.template.metadata.annotations).toMatchObject(scrapeAnnotations)
      expect(service.spec.template.spec.containers[0].ports[0].containerPort).toBe(8080)
    }
  })

  it('never routes /metrics publicly: only the page answers paths no API route names', () => {
    const [route] = parseAllDocuments(generated.get('k8s/base/routing/http-route.yaml') ?? '').map((d) => d.toJS())
    for (const rule of (route as Any).spec.rules) {
      const backend = rule.backendRefs[0].name
      for (const match of rule.matches) {
        const { type, value } = match.path
        const reaches = type === 'Exact' ? value === '/metrics' : '/metrics'.startsWith(value)
        if (reaches) expect(backend, `${type} ${value}`).toBe('client')
      }
    }
  })
})
