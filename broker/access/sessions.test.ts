import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  accessBrokersForFile,
  connectAdmitted,
  connectRecording,
  credentials,
  storedFilters,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { waitFor } from '../../test/harness.ts'

/** Two replicas on one database and one bus, as deployed. */
const access = accessBrokersForFile('mqtt_access_sessions', { replicas: 2 })

const queued = async (clientId: string) =>
  (await access.schema.sql`select 1 from mqtt_outgoing where client_id = ${clientId}`).length

/** Waits until the client's offline queue holds `count` messages; a timeout says how many it held. */
async function waitForQueued(clientId: string, count: number) {
  let held = -1
  const holds = async () => {
    held = await queued(clientId)
    return held === count
  }
  await waitFor(holds).catch((error: Error) => {
    throw new Error(`${error.message}: the queue of ${clientId} held ${held}, not ${count}`)
  })
}

async function publishTickets(url: string, payloads: string[]) {
  const service = await connectAdmitted(url, credentials.service)
  for (const payload of payloads) await service.publishAsync(topics.barTickets, payload, { qos: 1 })
  await service.endAsync()
}

const attackers = [
  { role: 'guest', clean: false },
  { role: 'guest', clean: true },
  { role: 'bar', clean: false },
  { role: 'bar', clean: true },
  { role: 'service', clean: false },
  { role: 'service', clean: true },
] as const

describe.each(transports)('over %s', (transport) => {
  const [a, b] = [() => access.replica(0).url(transport), () => access.replica(1).url(transport)]

  test("a printer's session is refused to every other identity (CONNACK 5), offline and online, on either replica", async () => {
    const clientId = `printer-${randomBytes(4).toString('hex')}`
    const printerOptions = { ...credentials.printer, clientId, clean: false }
    const first = await connectAdmitted(a(), printerOptions)
    await first.subscribeAsync(topics.barTickets, { qos: 1 })
    await first.endAsync()
    const marker = randomUUID()
    await publishTickets(a(), [`1 ${marker}`, `2 ${marker}`])
    await waitForQueued(clientId, 2)

    // Offline: nobody else gets the queue, nor wipes it with a clean session.
    for (const { role, clean } of attackers) {
      for (const url of [a(), b()]) {
        const attempt = await connectRecording(url, { ...credentials[role], clientId, clean }).catch(
          (error: { code?: number }) => error.code,
        )
        if (typeof attempt === 'object') await attempt.client.endAsync()
        expect(attempt, `${role} clean ${clean}`).toBe(5)
      }
    }
    expect(await queued(clientId)).toBe(2)
    expect(await storedFilters(access.schema.sql, clientId)).toEqual([topics.barTickets])

    // Online: nobody else kicks it off, on this replica or the other.
    const printer = await connectRecording(a(), printerOptions)
    await waitFor(() => printer.received.length === 2)
    for (const { role, clean } of attackers) {
      for (const url of [a(), b()]) {
        const attempt = await tryConnect(url, { ...credentials[role], clientId, clean })
        attempt.client?.end(true)
        expect(attempt.refused, `${role} clean ${clean} while online`).toBe(5)
      }
    }
    await publishTickets(b(), [`3 ${marker}`])
    await waitFor(() => printer.received.length === 3)
    expect(printer.client.connected).toBe(true)
    expect(printer.received.map((m) => m.payload)).toEqual([`1 ${marker}`, `2 ${marker}`, `3 ${marker}`])
    await printer.client.endAsync()

    // Its owner may end it with a clean session.
    const owner = await tryConnect(b(), { ...printerOptions, clean: true })
    expect(owner.refused).toBeUndefined()
    await owner.client?.endAsync()
    expect(await storedFilters(access.schema.sql, clientId)).toEqual([])
  })
})
