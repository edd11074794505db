/**
 * The retained `bar/status` as the bar display receives it: a printer away with tickets waiting,
 * then back with none.
 */
import { randomUUID } from 'node:crypto'
import * as v from 'valibot'
import { expect, test } from 'vitest'
import { type BarStatus, BarStatusSchema, topics } from '../contract/index.ts'
import { connectClient, json, testTokens, waitFor } from '../test/harness.ts'
import { stackForFile } from '../test/stack.ts'

const stack = stackForFile()

// A printer of all orders, and one of the coffee station (espresso is made there).
test.each([topics.barOrders, topics.stationOrders('coffee')])(
  'bar/status says which printer of %s is away with how many tickets waiting, and when it is back',
  async (topic) => {
    const clientId = `printer-status-${randomUUID().slice(0, 8)}`
    const printerOptions = { username: 'printer', password: testTokens.printerToken, clientId, clean: false }
    const first = await connectClient(stack.mqttUrl, printerOptions)
    await first.subscribeAsync(topic, { qos: 1 })
    await first.endAsync()

    const bar = await connectClient(stack.wsUrl, { username: 'bar', password: testTokens.barToken })
    let status: BarStatus | null = null
    bar.on('message', (topic, payload) => {
      if (topic === topics.barStatus) status = v.parse(BarStatusSchema, JSON.parse(payload.toString()))
    })
    await bar.subscribeAsync(topics.barStatus, { qos: 1 })
    const printer = () => (status as BarStatus | null)?.printers.find((p) => p.clientId === clientId)

    const placed = await fetch(`${stack.httpUrl}/api/orders`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ guestId: randomUUID(), nickname: 'Hal', drinkId: 'espresso' }),
    })
    expect(placed.status).toBe(201)
    await waitFor(() => (printer()?.queued ?? 0) >= 1, 10_000).catch(() => {
      throw new Error(`bar/status never showed the printer's ticket waiting: ${JSON.stringify(status)}`)
    })
    expect(printer()?.online).toBe(false)

    const back = await connectClient(stack.mqttUrl, printerOptions)
    await waitFor(() => printer()?.online === true && printer()?.queued === 0, 10_000).catch(() => {
      throw new Error(`bar/status never showed the printer back: ${JSON.stringify(status)}`)
    })
    expect((status as BarStatus | null)?.outbox).toEqual({ messages: 0, oldestSeconds: 0 })
    await Promise.all([back.endAsync(), bar.endAsync()])
  },
)
