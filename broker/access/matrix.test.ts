/**
 * The session-isolation matrix: for each identity and each way a message can reach a client
 * (live, offline queue, retained, will, taking over a client id with clean session 0 or 1),
 * what it receives. Every client tries every filter a hostile client would; matrix-table.ts is
 * the spec's access table written out, cell by cell.
 */
import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import { describe, expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import {
  expected,
  guestIds,
  login,
  mapRoles,
  mine,
  type Role,
  roles,
  tries,
  universe,
} from '../../test/broker/access-matrix.ts'
import {
  accessBrokersForFile,
  connectAdmitted,
  connectRecording,
  credentials,
  subscribeAll,
  transports,
  tryConnect,
} from '../../test/broker/access-support.ts'
import { waitFor } from '../../test/harness.ts'
import { topicMatches } from '../topic-rules.ts'

const access = accessBrokersForFile('mqtt_access_matrix')

const hex = () => randomBytes(4).toString('hex')

describe.each(transports)('over %s', (transport) => {
  const url = () => access.broker.url(transport)

  const service = () => connectAdmitted(url(), credentials.service)

  /**
   * Publishes as the service and waits until a watcher got `count` messages starting with
   * `marker`: Aedes sends PUBACK before it publishes, so only then are they queued and out.
   */
  async function publishSeen(send: (client: MqttClient) => Promise<unknown>, marker: string, count: number) {
    const watcher = await connectRecording(url(), credentials.service)
    await watcher.client.subscribeAsync('#', { qos: 1 })
    const publisher = await service()
    await send(publisher)
    await waitFor(() => watcher.received.filter((m) => m.payload.startsWith(marker)).length >= count)
    await Promise.all([publisher.endAsync(), watcher.client.endAsync()])
  }

  const publishEnds = (marker: string) =>
    publishSeen(
      async (client) => {
        await client.publishAsync(topics.publicTicker, `end ${marker}`, { qos: 1 })
        await client.publishAsync(topics.barTickets, `end ${marker}`, { qos: 1 })
      },
      `end ${marker}`,
      2,
    )

  /** Publishes, then an end marker every identity reads, and waits until each client has it. */
  async function publishAndSettle(
    send: (client: MqttClient) => Promise<unknown>,
    count: number,
    inboxes: { received: { topic: string; payload: string }[] }[],
    marker: string,
  ) {
    await publishSeen(send, marker, count)
    await publishEnds(marker)
    await waitFor(() => inboxes.every((inbox) => inbox.received.some((m) => m.payload === `end ${marker}`)))
  }

  /** Subscribes the client to an end marker it may read, publishes it, and waits for it. */
  async function settleAlone(
    inbox: { client: MqttClient; received: { topic: string; payload: string }[] },
    role: Role,
    marker: string,
  ) {
    const guest = role === 'guest' || role === 'otherGuest'
    await subscribeAll(inbox.client, [guest ? topics.publicTicker : topics.barTickets])
    await publishAndSettle(async () => {}, 0, [inbox], marker)
  }

  const publishUniverse =
    (marker: string, retain = false) =>
    async (client: MqttClient) => {
      for (const topic of universe) await client.publishAsync(topic, `${marker} on ${topic}`, { qos: 1, retain })
    }

  test('live', async () => {
    const marker = `live-${hex()}`
    const clients = await Promise.all(roles.map((role) => connectRecording(url(), login(role))))
    await Promise.all(clients.map((c, i) => subscribeAll(c.client, tries(roles[i] as Role))))
    await publishAndSettle(publishUniverse(marker), universe.length, clients, marker)
    const got = mapRoles((role) => mine(clients[roles.indexOf(role)]?.received ?? [], marker))
    await Promise.all(clients.map((c) => c.client.endAsync()))
    for (const role of roles) expect(got[role], `live: ${role}`).toEqual(expected.live?.[role])
  })

  test('offline queue', async () => {
    const marker = `offline-${hex()}`
    const ids = mapRoles((role) => `${role}-${hex()}`)
    const got: Partial<Record<Role, string[] | 'refused'>> = {}
    for (const role of roles) {
      const first = await tryConnect(url(), { ...login(role), clientId: ids[role], clean: false })
      if (!first.client) {
        got[role] = first.refused === 5 ? 'refused' : [`refused ${first.refused}`]
        continue
      }
      await subscribeAll(first.client, tries(role))
      await first.client.endAsync()
    }
    await publishSeen(publishUniverse(marker), marker, universe.length)
    await publishEnds(marker)
    for (const role of roles.filter((r) => got[r] === undefined)) {
      const back = await connectRecording(url(), { ...login(role), clientId: ids[role], clean: false })
      await waitFor(() => back.received.some((m) => m.payload === `end ${marker}`))
      got[role] = mine(back.received, marker)
      await back.client.endAsync()
    }
    for (const role of roles) expect(got[role], `offline queue: ${role}`).toEqual(expected['offline queue']?.[role])
  })

  test('retained', async () => {
    const marker = `retained-${hex()}`
    await publishSeen(publishUniverse(marker, true), marker, universe.length)
    const got: Partial<Record<Role, string[]>> = {}
    for (const role of roles) {
      const client = await connectRecording(url(), login(role))
      const filters = tries(role)
      const granted = await subscribeAll(client.client, filters)
      // Retained messages come filter after filter, one at a time: the last filter's come last.
      // The last filter is a concrete topic; each granted filter matching it brings one copy.
      const last = filters.at(-1) as string
      const copies = filters.filter((filter, i) => granted[i] !== 0x80 && topicMatches(filter, last)).length
      await waitFor(
        () => client.received.filter((m) => m.topic === last && m.payload.startsWith(marker)).length === copies,
      )
      got[role] = mine(client.received, marker)
      await client.client.endAsync()
    }
    for (const role of roles) expect(got[role], `retained: ${role}`).toEqual(expected.retained?.[role])
  })

  test('will', async () => {
    const marker = `will-${hex()}`
    const leaving: Partial<Record<Role, string[] | 'refused'>> = {}
    for (const role of roles) {
      const will = {
        topic: topics.barOrders,
        payload: Buffer.from(`${marker} left by ${role}`),
        qos: 1 as const,
        retain: false,
      }
      const outcome = await tryConnect(url(), { ...login(role), clientId: `${role}-${hex()}`, will })
      leaving[role] = outcome.client ? [] : outcome.refused === 5 ? 'refused' : [`refused ${outcome.refused}`]
      await outcome.client?.endAsync()
    }
    for (const role of roles)
      expect(leaving[role], `leaving a will: ${role}`).toEqual(expected['will (leaving one)']?.[role])

    const clients = await Promise.all(roles.map((role) => connectRecording(url(), login(role))))
    await Promise.all(clients.map((c, i) => subscribeAll(c.client, tries(roles[i] as Role))))
    const testators = await Promise.all(
      universe.map((topic) =>
        tryConnect(url(), {
          ...credentials.service,
          will: { topic, payload: Buffer.from(`${marker} on ${topic}`), qos: 1, retain: false },
        }),
      ),
    )
    for (const testator of testators) testator.client?.stream.destroy()
    const serviceInbox = clients[roles.indexOf('service')]
    await waitFor(() => mine(serviceInbox?.received ?? [], marker).length === universe.length)
    await publishAndSettle(async () => {}, 0, clients, marker)
    const got = mapRoles((role) => mine(clients[roles.indexOf(role)]?.received ?? [], marker))
    for (const testator of testators) testator.client?.end(true)
    await Promise.all(clients.map((c) => c.client.endAsync()))
    for (const role of roles) expect(got[role], `will: ${role}`).toEqual(expected['will (receiving)']?.[role])
  })

  describe.each([false, true])('takeover, clean %s', (clean) => {
    test('of a printer session with a ticket queued', async () => {
      const marker = `takeover-${hex()}`
      const got: Partial<Record<Role, string[] | 'refused'>> = {}
      for (const role of roles) {
        const clientId = `printer-${hex()}`
        const printer = await tryConnect(url(), { ...credentials.printer, clientId, clean: false })
        await printer.client?.subscribeAsync(topics.barTickets, { qos: 1 })
        await printer.client?.endAsync()
        await publishSeen((client) => client.publishAsync(topics.barTickets, `${marker} queued`, { qos: 1 }), marker, 1)
        const taker = await connectRecording(url(), { ...login(role), clientId, clean }).catch(
          (error: { code?: number }) => error,
        )
        if (!('client' in taker)) {
          got[role] = taker.code === 5 ? 'refused' : [`refused ${taker.code}`]
          continue
        }
        // Whatever the session had queued is delivered before anything published now.
        await settleAlone(taker, role, marker)
        got[role] = mine(taker.received, `${marker} queued`)
        await taker.client.endAsync()
      }
      const cell = `takeover of a printer session, clean ${clean ? 1 : 0}`
      for (const role of roles) expect(got[role], `${cell}: ${role}`).toEqual(expected[cell]?.[role])
    })

    test('of an online guest', async () => {
      const marker = `guest-takeover-${hex()}`
      const got: Partial<Record<Role, string[] | 'refused'>> = {}
      for (const role of roles) {
        const clientId = `guest-${hex()}`
        const victim = await connectRecording(url(), { clientId })
        await subscribeAll(victim.client, [topics.guestOrders(guestIds.guest), topics.publicMenu])
        const taker = await connectRecording(url(), { ...login(role), clientId, clean }).catch(
          (error: { code?: number }) => error,
        )
        if (!('client' in taker)) {
          got[role] = taker.code === 5 ? 'refused' : [`refused ${taker.code}`]
          expect(victim.client.connected, `${role} kicked the guest`).toBe(true)
          await victim.client.endAsync()
          continue
        }
        // The victim's subscriptions do not come along: a clean session starts empty.
        await publishSeen(
          (client) => client.publishAsync(topics.guestOrders(guestIds.guest), `${marker} for the victim`, { qos: 1 }),
          marker,
          1,
        )
        await settleAlone(taker, role, marker)
        got[role] = mine(taker.received, `${marker} for the victim`)
        victim.client.end(true)
        await taker.client.endAsync()
      }
      const cell = `takeover of an online guest, clean ${clean ? 1 : 0}`
      for (const role of roles) expect(got[role], `${cell}: ${role}`).toEqual(expected[cell]?.[role])
    })
  })
})
