/** `npm run function -- <name>`: one function of hono.config.ts alone, as its pod runs it. */
import { resolve } from 'node:path'
import { findFunction } from '../hono.config.ts'
import type { FunctionModule } from './shared/function-module.ts'
import { serveFunction } from './shared/serve.ts'

const name = process.argv[2] ?? ''
try {
  const fn = findFunction(name)
  serveFunction(fn.name, (await import(resolve(fn.entry))) as FunctionModule)
} catch (error) {
  console.error(`Cannot start function "${name}": ${(error as Error).message}`)
  process.exit(1)
}
