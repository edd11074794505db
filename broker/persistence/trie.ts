/**
 * The topic tries Aedes and aedes-persistence use, with the options they use: matching the same
 * way gives the same results in the same order as the in-memory persistence.
 * qlobber ships no type declarations; these cover what we call.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** A subscription as the trie holds and matches it. */
export interface TrieSubscription {
  clientId: string
  topic: string
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
}

export interface SubscriptionTrie {
  add(topic: string, value: TrieSubscription): void
  remove(topic: string, value: { clientId: string; topic: string }): void
  match(topic: string): TrieSubscription[]
}

export interface TopicFilter {
  add(pattern: string): void
  test(topic: string): boolean
}

const options = { wildcard_one: '+', wildcard_some: '#', separator: '/' }

const QlobberSub = require('qlobber/aedes/qlobber-sub') as new (opts: typeof options) => SubscriptionTrie
const { QlobberTrue } = require('qlobber') as { QlobberTrue: new (opts: typeof options) => TopicFilter }

export function createSubscriptionTrie(): SubscriptionTrie {
  return new QlobberSub(options)
}

/** Tests topics against one MQTT topic filter. */
export function createTopicFilter(pattern: string): TopicFilter {
  const filter = new QlobberTrue(options)
  filter.add(pattern)
  return filter
}
