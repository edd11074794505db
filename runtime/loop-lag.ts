/**
 * How late this process's event loop runs timers, sampled every `intervalMs`: when requests
 * queue faster than the loop serves them they wait before any handler sees them, so the
 * in-process bounds alone would not notice. `behind()` is true once the last `samples` samples
 * were each later than `maxLagMs`: a lasting backlog, not one pause (a GC, a slow turn).
 * `takeLongest()` is the latest any sample came since the previous call: the longest turn.
 */
export function watchLoopLag({ maxLagMs = 100, intervalMs = 50, samples = 3 } = {}) {
  const recent: number[] = []
  let longest = 0
  let expected = performance.now() + intervalMs
  const timer = setInterval(() => {
    const now = performance.now()
    const lag = now - expected
    recent.push(lag)
    longest = Math.max(longest, lag)
    if (recent.length > samples) recent.shift()
    expected = now + intervalMs
  }, intervalMs)
  timer.unref()
  return {
    behind: () => recent.length === samples && recent.every((lag) => lag > maxLagMs),
    /** The largest lag sampled since the previous call, in ms; the next call starts from 0. */
    takeLongest() {
      const value = longest
      longest = 0
      return value
    },
    stop: () => clearInterval(timer),
  }
}
