/**
 * A reader of Prometheus' text exposition format (version 0.0.4), as a scraper sees `/metrics`:
 * `# HELP` and `# TYPE` lines, then samples `name{label="value",...} number`. Strict: a line it
 * cannot read fails the test, so a malformed exposition is caught here and not by Prometheus.
 */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Scrape {
  samples: Sample[]
  /** Family name to its `# TYPE` (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>
  /** The sum of the samples called `name` whose labels include `labels` (0 when none). */
  value(name: string, labels?: Record<string, string>): number
  /** Whether any sample is called `name` (whose labels include `labels`). */
  has(name: string, labels?: Record<string, string>): boolean
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/
const labelPair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y

export function parsePrometheus(text: string): Scrape {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    if (line.startsWith('#')) {
      const [, keyword, name, rest] = /^#\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line) ?? []
      if (keyword === 'TYPE' && name && rest) types.set(name, rest)
      continue
    }
    const match = sampleLine.exec(line)
    if (!match) throw new Error(`line ${index + 1} is not a sample: ${line}`)
    const [, name = '', labelText = '', valueText = ''] = match
    samples.push({ name, labels: parseLabels(labelText, index + 1), value: parseValue(valueText, index + 1) })
  }
  const matching = (name: string, labels: Record<string, string>) =>
    samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
  return {
    samples,
    types,
    value: (name, labels = {}) => matching(name, labels).reduce((sum, sample) => sum + sample.value, 0),
    has: (name, labels = {}) => matching(name, labels).length > 0,
  }
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {}
  labelPair.lastIndex = 0
  while (labelPair.lastIndex < text.length) {
    const start = labelPair.lastIndex
    const match = labelPair.exec(text)
    if (!match || match.index !== start) throw new Error(`line ${line}: bad labels {${text}}`)
    const [, key = '', raw = ''] = match
    labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
  }
  return labels
}

function parseValue(text: string, line: number): number {
  // Prometheus reads these as Go's ParseFloat does, in any case (prom-client writes `Nan`).
  const word = text.toLowerCase()
  if (word === '+inf' || word === 'inf') return Number.POSITIVE_INFINITY
  if (word === '-inf') return Number.NEGATIVE_INFINITY
  if (word === 'nan') return Number.NaN
  const value = Number(text)
  if (text === '' || Number.isNaN(value)) throw new Error(`line ${line}: ${text} is not a number`)
  return value
}

/** GETs `/metrics` at `url` and parses it; fails on any status but 200 or a wrong content type. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url)
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`)
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('text/plain')) throw new Error(`${url} answered content-type ${type}`)
  return parsePrometheus(text)
}

/** The metric families (names without `_bucket`, `_sum`, `_count`, `_total` as typed) a scrape has. */
export function familyNames(scrape: Scrape): Set<string> {
  const names = new Set<string>(scrape.types.keys())
  for (const sample of scrape.samples) names.add(sample.name)
  return names
}

/** Scrapes `url` until `ready` holds, so counting done in the background is waited for by name. */
export async function scrapeUntil(
  url: string,
  what: string,
  ready: (now: Scrape) => boolean,
  timeoutMs = 10_000,
): Promise<Scrape> {
  const until = Date.now() + timeoutMs
  let problem = ''
  while (Date.now() < until) {
    try {
      const now = await scrape(url)
      if (ready(now)) return now
      problem = ''
    } catch (error) {
      problem = ` (last scrape: ${(error as Error).message})`
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} did not show ${what} within ${timeoutMs} ms${problem}`)
}
