/**
 * An IoT printer that speaks MQTT itself, played by Mosquitto's `mosquitto_sub`: it reads the
 * plain-text tickets of `bar/tickets` with the session settings the README gives.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { formatTicket, TICKET_WIDTH, topics } from '../contract/index.ts'
import { createApp } from '../functions/place-order/index.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { functionDepsForFile, testTokens, waitFor } from '../test/harness.ts'
import { placeOrder, published } from '../test/printer/bridge-setup.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))

/** Runs `mosquitto_sub` until it printed one ticket; resolves with what it printed. */
function readOneTicket(clientId: string): { output: Promise<string> } {
  const { port } = new URL(deps.broker.url)
  const args = ['-h', '127.0.0.1', '-p', port, '-u', 'printer', '-P', testTokens.printerToken]
  args.push('-i', clientId, '-c', '-q', '1', '-t', topics.barTickets, '-C', '1', '-W', '15')
  return {
    output: new Promise((resolve, reject) =>
      execFile('/usr/bin/mosquitto_sub', args, (error, stdout, stderr) =>
        error ? reject(new Error(`mosquitto_sub: ${error.message} ${stderr}`)) : resolve(stdout),
      ),
    ),
  }
}

test('an MQTT printer with a persistent session gets the ticket of each placed order, also those placed while it was off', async () => {
  const clientId = `iot-printer-${randomUUID().slice(0, 8)}`
  let subscriptions = 0
  let disconnects = 0
  deps.broker.broker.on('clientDisconnect', (client) => {
    if (client.id === clientId) disconnects += 1
  })
  deps.broker.broker.on('subscribe', (_subscriptions, client) => {
    if (client?.id === clientId) subscriptions += 1
  })

  const first = readOneTicket(clientId)
  await waitFor(() => subscriptions === 1, 10_000, 'mosquitto_sub subscribed')
  const order = await placeOrder(app, { nickname: 'Jürg', drinkId: 'beer', note: 'no foam' })
  const ticket = await first.output
  expect(ticket).toBe(`${formatTicket(order, 'Beer')}\n`)
  expect(ticket).toContain(`#${order.number}`)
  expect(ticket.split('\n').every((line) => line.length <= TICKET_WIDTH)).toBe(true)

  // Off: the broker keeps the session (clean session 0, same client id) and queues the next ticket.
  await waitFor(() => disconnects === 1, 5000, `the broker to see ${clientId} gone`)
  const tickets = published(deps.broker.broker, topics.barTickets)
  const whileOff = await placeOrder(app, { nickname: 'Zoë', drinkId: 'tea' })
  await waitFor(
    () => tickets.some((ticket) => ticket.includes(`#${whileOff.number}`)),
    5000,
    `ticket #${whileOff.number} queued at the broker`,
  )
  expect(await readOneTicket(clientId).output).toBe(`${formatTicket(whileOff, 'Tea')}\n`)
})
