/** How often `waitFor` asks again, in ms: quick enough for tests, idle enough for two shared cores. */
export const pollMs = 20

/**
 * Resolves once `condition` holds, asking every `everyMs` (default `pollMs`); past `timeoutMs` it
 * fails with an error that names `what` was awaited. The one way tests, benches and scripts wait
 * for something.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'the condition',
  everyMs = pollMs,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what} in vain`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
