/**
 * The four parts of prom-client this project uses, imported one by one: its index loads every
 * module it has (summaries with their t-digest, pushgateway, the default metrics with
 * OpenTelemetry), about 110 KB in each function's bundle, which a pod compiles on every cold start.
 */
import Counter from 'prom-client/lib/counter.js'
import Gauge from 'prom-client/lib/gauge.js'
import Histogram from 'prom-client/lib/histogram.js'
import Registry from 'prom-client/lib/registry.js'

export type { Counter as CounterType, Registry as RegistryType } from 'prom-client'
export { Counter, Gauge, Histogram, Registry }
