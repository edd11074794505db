/**
 * `npm test`: provides what the suites need beyond npm (test/provision.ts), gives them a fresh
 * database, then runs vitest and the node:test suites (the official abstract suites of
 * aedes-persistence and mqemitter do not run under vitest).
 * With DATABASE_URL set, a throwaway database is created on that server; without it, the
 * embedded server under .data/ is started.
 */
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { startEmbeddedPostgres } from '../db/embedded.ts'
import { createScratchDatabase } from '../db/scratch.ts'
import { provision } from './provision.ts'

// Before anything starts: a missing tool stops the run here, with the command that installs it.
if (!provision()) process.exit(1)

const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres()
const serverUrl = process.env.DATABASE_URL ?? embedded?.url ?? ''
const database = await createScratchDatabase(serverUrl, 'drinks_test')
const env = { ...process.env, TEST_DATABASE_URL: database.url }
const run = (command: string, args: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })

const vitestArgs = process.argv.slice(2)
const nodeSuites = ['broker', 'functions']
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`))
  .filter((file) => file.endsWith('.node-test.ts'))
// With no arguments both runners run, one after the other whatever the first found, so one
// failing never hides the other's results. Arguments are vitest's (files, -t): they run vitest
// alone, as the node:test suites take none of them. The short node:test suites go first, so
// that vitest's summary, with its failures, is what a CI log's tail shows.
const nodeTest =
  vitestArgs.length === 0 && nodeSuites.length > 0
    ? await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...nodeSuites])
    : 0
const vitest = await run('npx', ['vitest', 'run', ...vitestArgs])
const code = vitest || nodeTest

await database.drop()
await embedded?.stop()
process.exit(code)
