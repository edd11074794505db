/**
 * The bridge tells the operator when the broker it reached is not ours: another broker takes the
 * bridge's subscription and never delivers an order, so nothing would print, silently.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { topics } from '../contract/index.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { connectClient, startTestBroker, type TestBroker, testTokens } from '../test/harness.ts'
import { type FakePrinter, startFakePrinter } from '../test/printer/fake-printer.ts'
import { operatorEnv, repoRoot, runScript } from '../test/project.ts'
import { checkBroker } from './broker-check.ts'

let broker: TestBroker
let printer: FakePrinter
beforeAll(async () => {
  broker = await startTestBroker()
  printer = await startFakePrinter()
})
afterAll(async () => {
  await printer.off()
  await broker.close()
})

function recorder() {
  const lines: string[] = []
  const push = (message: string) => lines.push(message)
  return { lines, log: { info: push, warn: (m: string) => lines.push(`WARN ${m}`), error: push } }
}

test('a broker that holds the retained menu is ours', async () => {
  const service = await connectClient(broker.url, { username: 'service', password: testTokens.serviceToken })
  const menu = { drinks: [{ id: 'beer', name: { en: 'Beer', de: 'Bier', fr: 'Bière', it: 'Birra' }, available: true }] }
  await service.publishAsync(topics.publicMenu, JSON.stringify(menu), { qos: 1, retain: true })
  await service.endAsync()
  const { lines, log } = recorder()
  expect(await checkBroker(broker.url, 5000, log).result).toEqual({ kind: 'ours', drinks: 1 })
  expect(lines).toEqual(['the broker holds the menu (1 drinks): it is ours'])
})

test('a broker without the menu is named as not ours, with what to do', async () => {
  const bare = await startTestBroker()
  try {
    const { lines, log } = recorder()
    const identity = await checkBroker(bare.url, 300, log).result
    expect(identity).toEqual({ kind: 'foreign', why: 'no retained public/menu within 0.3 s' })
    expect(lines).toEqual([
      `WARN the broker at ${bare.url} does not behave like the Drinks broker (no retained public/menu within 0.3 s): ` +
        'no order will print from it. Is it another broker, such as a local Mosquitto on 1883? ' +
        'Use the --broker that npm start prints.',
    ])
  } finally {
    await bare.close()
  }
})

test('no broker at all is left to the bridge, which reports its failed connections', async () => {
  const { lines, log } = recorder()
  expect(await checkBroker(`mqtt://127.0.0.1:${await anyFreePort()}`, 2000, log).result).toEqual({
    kind: 'unreachable',
  })
  expect(lines).toEqual([])
})

const mosquittoListens = await new Promise<boolean>((resolve) => {
  const socket = connect(1883, '127.0.0.1')
  socket.once('connect', () => {
    socket.destroy()
    resolve(true)
  })
  socket.once('error', () => resolve(false))
})

// The machines this suite runs on keep a Mosquitto on 1883; where none listens there is nothing to mistake.
test.skipIf(!mosquittoListens)(
  "the bridge pointed at this machine's Mosquitto on 1883 warns that no order will print",
  async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'printer-check-')), 'printed.json')
    const clientId = `printer-check-${randomUUID().slice(0, 8)}`
    const bridge = runScript(
      `"${process.execPath}" --import tsx printer/main.ts --printer ${printer.url} --broker mqtt://127.0.0.1:1883 --check-ms 2000 ` +
        `--client-id ${clientId} --state ${state}`,
      // LOG_FORMAT=text: what the operator reads at a terminal (piped, the bridge would log JSON).
      { cwd: repoRoot, env: operatorEnv({ PRINTER_TOKEN: 'not-a-drinks-token', LOG_FORMAT: 'text' }) },
    )
    try {
      const [warning] = await bridge.waitForOutput(
        /\[printer\] the broker at .* does not behave like the Drinks broker.*/,
        15_000,
      )
      expect(warning).toContain('mqtt://127.0.0.1:1883 does not behave like the Drinks broker')
      expect(warning).toContain('Use the --broker that npm start prints')
    } finally {
      await bridge.stop()
    }
  },
)
