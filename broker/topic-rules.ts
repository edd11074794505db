/**
 * What a topic name or filter must be before anything is done with it: one rule for every
 * packet that carries one (SUBSCRIBE, UNSUBSCRIBE, PUBLISH, the will of CONNECT), checked before
 * the persistence sees it. Postgres refuses U+0000 in `text`, so a NUL that got through used to
 * end the process in the middle of a retained lookup.
 */

/** Longest topic name or filter accepted, in UTF-8 bytes. Ours are under 60. */
export const defaultMaxTopicBytes = 256

export type TopicProblem = 'malformed' | 'too long'

/**
 * Characters no topic of ours contains: U+0000 [MQTT-1.5.3-2]; the other C0 and C1 controls,
 * which the spec says should not be sent; and U+FFFD, which is what mqtt-packet makes of
 * ill-formed UTF-8 [MQTT-1.5.3-1], so the decoded string can no longer be told from it. Lone
 * surrogates (`\p{Cs}` in a `u` pattern) cannot come off the wire, but a topic built in code could
 * carry one, and it has no UTF-8 form.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const refused = /[\u0000-\u001f\u007f-\u009f\ufffd\p{Cs}]/u

/**
 * Why `topic` cannot be used, or null. `malformed` breaks the protocol (the connection is
 * closed, as [MQTT-1.5.3-1, -2] ask); `too long` is only refused.
 */
export function topicProblem(topic: unknown, maxBytes = defaultMaxTopicBytes): TopicProblem | null {
  if (typeof topic !== 'string' || topic.length === 0) return 'malformed'
  if (refused.test(topic)) return 'malformed'
  // A UTF-8 byte is at most one UTF-16 unit, and a character is at most 3 bytes per unit.
  if (topic.length * 3 > maxBytes && Buffer.byteLength(topic) > maxBytes) return 'too long'
  return null
}

/** Whether the topic name `topic` matches the filter `filter` (`+` and `#`, [MQTT-4.7]). */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with `$`.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false
  const filterLevels = filter.split('/')
  const topicLevels = topic.split('/')
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i]
    // `#` also matches the parent level: `public/#` matches `public` [MQTT-4.7.1-2].
    if (level === '#') return true
    if (i >= topicLevels.length) return false
    if (level !== '+' && level !== topicLevels[i]) return false
  }
  return filterLevels.length === topicLevels.length
}
