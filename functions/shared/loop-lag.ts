/**
 * How late this process's event loop runs timers, sampled every `intervalMs`: when requests
 * queue faster than the loop serves them they wait before any handler sees them, so the
 * in-process bounds alone would not notice. `behind()` is true once the last `samples` samples
 * were each later than `maxLagMs`: a lasting backlog, not one pause (a GC, a slow turn).
 */
export function watchLoopLag({ maxLagMs = 100, intervalMs = 50, samples = 3 } = {}) {
  const recent: number[] = []
  let expected = performance.now() + intervalMs
  const timer = setInterval(() => {
    const now = performance.now()
    recent.push(now - expected)
    if (recent.length > samples) recent.shift()
    expected = now + intervalMs
  }, intervalMs)
  timer.unref()
  return {
    behind: () => recent.length === samples && recent.every((lag) => lag > maxLagMs),
    stop: () => clearInterval(timer),
  }
}
