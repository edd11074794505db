/**
 * `npm start` as an operator runs it, in a project folder of its own: the address the QR code
 * carries, and the printer command it prints, run as printed. Only loopback is ever contacted;
 * the network address is read, never called.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Order } from '../contract/index.ts'
import { launchChromium } from '../test/browser.ts'
import { createTestDatabase } from '../test/db.ts'
import { waitFor } from '../test/harness.ts'
import { type FakePrinter, startFakePrinter } from '../test/printer/fake-printer.ts'
import { makeProject, operatorEnv, removeProject, runScript, type Script } from '../test/project.ts'

const lanAddresses = Object.values(networkInterfaces())
  .flatMap((entries) => entries ?? [])
  .filter((entry) => entry.family === 'IPv4' && !entry.internal)
  .map((entry) => entry.address)

let folder: string
let app: string
let database: Awaited<ReturnType<typeof createTestDatabase>>
let start: Script
let printer: FakePrinter
let port: string
let mqttPort: string
const bridges: Script[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  folder = mkdtempSync(join(tmpdir(), 'drinks-start-'))
  app = join(folder, 'drinks')
  makeProject(app, 'link')
  start = runScript('npm start', {
    cwd: app,
    env: operatorEnv({ DATABASE_URL: database.url, PORT: '0', MQTT_PORT: '0' }),
  })
  await start.waitForOutput(/Printer {4}npm run printer.*\n.*\n/, 90_000)
  port = (start.output().match(/QR poster\s+http:\/\/localhost:(\d+)\/\?qr/) ?? [])[1] ?? ''
  mqttPort = (start.output().match(/MQTT\s+mqtt:\/\/localhost:(\d+)/) ?? [])[1] ?? ''
  printer = await startFakePrinter()
}, 120_000)

afterAll(async () => {
  for (const bridge of bridges) await bridge.stop()
  await start?.stop()
  await printer?.off()
  await database?.drop()
  removeProject(folder)
})

const local = (path: string) => `http://127.0.0.1:${port}${path}`

// Without a network interface there is no address to find; the start then says so instead.
test.skipIf(lanAddresses.length === 0)(
  "with no PUBLIC_URL the QR code carries this machine's network address, and npm start says how to choose another",
  async () => {
    const { publicUrl } = (await (await fetch(local('/config.json'))).json()) as { publicUrl: string }
    const url = new URL(publicUrl)
    expect(lanAddresses).toContain(url.hostname)
    expect(url.port).toBe(port)
    expect(start.output()).toContain(`Guests     ${publicUrl}/   (the QR code)`)
    expect(start.output()).toContain(`             http://localhost:${port}/   (on this machine)`)
    expect(start.output()).toContain(`Another address: PUBLIC_URL=http://HOST:${port} npm start`)

    const browser = await launchChromium()
    try {
      const poster = await browser.newPage({ viewport: { width: 794, height: 1123 } })
      await poster.goto(local('/?qr'))
      await poster.getByRole('img', { name: publicUrl }).waitFor({ timeout: 10_000 })
      expect(await poster.getByText(publicUrl, { exact: true }).isVisible()).toBe(true)
      expect(await poster.getByRole('alert').count()).toBe(0)
    } finally {
      await browser.close()
    }
  },
)

async function placeOrder(nickname: string): Promise<Order> {
  const res = await fetch(local('/api/orders'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId: randomUUID(), nickname, drinkId: 'beer' }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

test('the printer command npm start prints, run as printed in the same folder, prints the next order', async () => {
  const printed = (start.output().match(/Printer {4}(npm run printer -- .*)\n(.*)\n/) ?? []) as string[]
  expect(printed[1]).toContain(`--broker mqtt://127.0.0.1:${mqttPort}`)
  expect(printed[2]).toContain('reads the printer token from .data/tokens.json')
  // The one thing npm start cannot know: where the printer stands.
  const command = (printed[1] ?? '').replace('tcp://PRINTER_IP:9100', printer.url)
  const bridge = runScript(command, { cwd: app, env: operatorEnv({}) })
  bridges.push(bridge)
  await bridge.waitForOutput(/subscribed to bar\/orders/, 30_000)

  const order = await placeOrder('Printed Paula')
  await waitFor(() => printer.numbers().includes(order.number), 10_000).catch(() => {
    throw new Error(`ticket #${order.number} not printed within 10 s:\n${bridge.output()}`)
  })
  expect(printer.tickets().at(-1)).toContain('Printed Paula')
  await bridge.waitForOutput(/the broker holds the menu \(\d+ drinks\): it is ours/, 10_000)
  expect(bridge.output()).not.toContain('does not behave like')
  await bridge.stop()
})

test('the bridge started with the printer alone finds the broker and the token npm start uses', async () => {
  const bridge = runScript(`npm run printer -- --printer ${printer.url}`, { cwd: app, env: operatorEnv({}) })
  bridges.push(bridge)
  // Two things the bridge does side by side: which comes first is the scheduler's choice.
  await bridge.waitForOutput(/the broker holds the menu \(\d+ drinks\): it is ours/, 30_000)
  await bridge.waitForOutput(new RegExp(`connected to mqtt://127\\.0\\.0\\.1:${mqttPort} `), 10_000)
  await bridge.stop()
})
