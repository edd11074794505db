import type { Hono } from 'hono'
import type { FunctionDeps } from './app.ts'

/** What each `functions/<name>/index.ts` exports. */
export interface FunctionModule {
  createApp(deps: FunctionDeps): Hono
  /** Work to do once when a pod starts (never blocks serving). */
  start?(deps: FunctionDeps): Promise<void>
}
