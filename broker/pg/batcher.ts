/**
 * Group commit for Postgres writes: calls made during one turn of the event loop, and all calls made
 * while a batch is in flight, reach the database together as one statement. A broker under load
 * then pays one round trip per batch instead of one per message, and an idle broker waits no longer
 * than one `setImmediate`. One batch runs at a time, so batches reach the database in call order.
 *
 * Shared by the emitter (NOTIFYs) and the persistence (offline queues, retained messages).
 */

/** What `run` gives back per item: its result, or the error of that item alone. */
export type BatchResult<O> = O | Error

export interface Batcher<I, O> {
  /** Queues one item; settles when the batch holding it has run. */
  push(item: I): Promise<O>
  /** Resolves once everything queued so far has run. */
  drained(): Promise<void>
}

interface Entry<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

/** Most items per call of a batcher's `run` unless its owner says otherwise: bounds statement size and latency. */
export const defaultMaxBatch = 500

/**
 * @param run  writes a batch; returns one result per item, in order. If it throws, every item of
 *   the batch is rejected with that error.
 * @param maxBatch  most items per call of `run` (default `defaultMaxBatch`).
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<BatchResult<O>[]>,
  { maxBatch = defaultMaxBatch }: { maxBatch?: number } = {},
): Batcher<I, O> {
  let queue: Entry<I, O>[] = []
  let running: Promise<void> | null = null

  async function drain(): Promise<void> {
    // Everything queued while a batch was in flight goes into the next one, without waiting a turn.
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      try {
        const results = await run(batch.map((entry) => entry.item))
        batch.forEach((entry, index) => {
          const result = results[index]
          if (result instanceof Error) entry.reject(result)
          else entry.resolve(result as O)
        })
      } catch (error) {
        for (const entry of batch) entry.reject(error)
      }
    }
    running = null
  }

  function start(): void {
    if (running) return
    running = new Promise((resolve) => setImmediate(() => drain().then(resolve)))
  }

  return {
    push(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        start()
      })
    },
    async drained() {
      while (running) await running
    },
  }
}

/**
 * Splits items into rounds in which no key repeats, keeping their order: a multi-row statement
 * can act on a row only once, so a second request for the same row waits for the next round.
 */
export function uniqueRounds<I>(items: I[], key: (item: I) => string): I[][] {
  const rounds: { keys: Set<string>; items: I[] }[] = []
  for (const item of items) {
    const k = key(item)
    let round = rounds.find((r) => !r.keys.has(k))
    if (!round) {
      round = { keys: new Set(), items: [] }
      rounds.push(round)
    }
    round.keys.add(k)
    round.items.push(item)
  }
  return rounds.map((r) => r.items)
}
