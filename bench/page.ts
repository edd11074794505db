/**
 * The guest page's budgets: the JavaScript needed for its first paint (client/budget.ts), then
 * Lighthouse on the mobile preset against the whole system started here (client/lighthouse.ts).
 *
 *   npm run bench -- page
 */
import { spawnSync } from 'node:child_process'
import { anyFreePort } from '../runtime/ports.ts'
import { startProcess, waitForStatus } from '../test/processes.ts'
import { benchDatabase, benchTokens } from './lib.ts'

const run = (args: string[]) => spawnSync('npx', ['tsx', ...args], { stdio: 'inherit' }).status ?? 1
let failed = run(['client/budget.ts']) !== 0

const db = await benchDatabase()
const [port, mqttPort] = [await anyFreePort(), await anyFreePort()]
const server = startProcess(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
  env: { ...benchTokens, DATABASE_URL: db.url, PORT: String(port), MQTT_PORT: String(mqttPort) },
})
await waitForStatus(server, `http://127.0.0.1:${port}/api/readyz`, 200, 60_000)
failed = run(['client/lighthouse.ts', `http://localhost:${port}/`]) !== 0 || failed
await server.stop()
await db.drop()
process.exit(failed ? 1 : 0)
