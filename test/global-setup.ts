import { buildClientIfStale } from '../server/client-build.ts'

/** Builds the client once, before any suite, so browser suites never build into dist at once. */
export default async function setup(): Promise<void> {
  await buildClientIfStale(() => {})
}
