/**
 * MQTT over WebSocket as the guests' phones receive it: a message arrives in one WebSocket frame,
 * not one frame (and one socket write) for each piece mqtt-packet writes.
 */
import mqttPacket from 'mqtt-packet'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { connectClient, startTestBroker, type TestBroker, testTokens, waitFor } from '../test/harness.ts'
import { binaryFrame } from './listeners.ts'

let server: TestBroker
beforeAll(async () => {
  server = await startTestBroker()
})
afterAll(async () => {
  await server.close()
})

test('a PUBLISH reaches a WebSocket guest in one frame, and the packets parse whole', async () => {
  const ws = new WebSocket(server.wsUrl, 'mqtt')
  const frames: Buffer[] = []
  ws.on('message', (data) => frames.push(data as Buffer))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  const packets: mqttPacket.Packet[] = []
  parser.on('packet', (packet) => packets.push(packet))
  ws.on('message', (data) => parser.parse(data as Buffer))
  const send = (packet: mqttPacket.Packet) => ws.send(mqttPacket.generate(packet))
  send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'ws-frames', keepalive: 0 })
  send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'public/ticker', qos: 0 }] })
  await waitFor(() => packets.some((p) => p.cmd === 'suback'), 5_000, 'SUBACK')

  const service = await connectClient(server.url, { username: 'service', password: testTokens.serviceToken })
  const payload = JSON.stringify({ drink: 'Spritz', nickname: 'Ada' })
  const framesBefore = frames.length
  await service.publishAsync('public/ticker', payload, { qos: 0 })
  await waitFor(() => packets.some((p) => p.cmd === 'publish'), 5_000, 'the PUBLISH')
  const publish = packets.find((p) => p.cmd === 'publish') as mqttPacket.IPublishPacket
  expect(publish.topic).toBe('public/ticker')
  expect(String(publish.payload)).toBe(payload)
  expect(frames.length - framesBefore).toBe(1)
  await service.endAsync()
  ws.close()
})

test('a guest leaving during a fan-out costs no error: what it would be sent is dropped', async () => {
  const errors: string[] = []
  const onClientError = (_client: unknown, error: Error) => errors.push(error.message)
  server.broker.on('clientError', onClientError)
  const ws = new WebSocket(server.wsUrl, 'mqtt')
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  const packets: mqttPacket.Packet[] = []
  parser.on('packet', (packet) => packets.push(packet))
  ws.on('message', (data) => parser.parse(data as Buffer))
  ws.send(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'leaving',
      keepalive: 0,
    }),
  )
  ws.send(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'public/ticker', qos: 0 }] }))
  await waitFor(() => packets.some((p) => p.cmd === 'suback'), 5_000, 'SUBACK')
  const staying = await connectClient(server.wsUrl)
  await staying.subscribeAsync('public/ticker', { qos: 0 })
  const received: string[] = []
  staying.on('message', (_, payload) => received.push(String(payload)))

  // The guest's close frame (masked, as a client's must be), and then nothing: its phone left
  // the Wi-Fi, so the broker's WebSocket is closing while its socket stays open.
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket
  socket.pause()
  socket.write(Buffer.from([0x88, 0x80, 0, 0, 0, 0]))
  await waitFor(() => [...server.wss.clients].some((client) => client.readyState === client.CLOSING), 5_000, 'closing')
  const service = await connectClient(server.url, { username: 'service', password: testTokens.serviceToken })
  for (let i = 0; i < 3; i++) await service.publishAsync('public/ticker', `order ${i}`, { qos: 0 })
  await waitFor(() => received.length === 3, 5_000, 'the staying guest got every message')
  await new Promise((resolve) => setImmediate(resolve))
  expect(errors).toEqual([])
  server.broker.off('clientError', onClientError)
  await Promise.all([service.endAsync(), staying.endAsync()])
  socket.destroy()
})

test('messages of every frame length (7-bit, 16-bit, 64-bit) reach a WebSocket guest whole', async () => {
  const guest = await connectClient(server.wsUrl)
  await guest.subscribeAsync('public/ticker', { qos: 0 })
  const received: Buffer[] = []
  guest.on('message', (_, payload) => received.push(payload))
  const service = await connectClient(server.url, { username: 'service', password: testTokens.serviceToken })
  // With the topic and the header, these make frames of about 100 B, 300 B, 70 KB.
  const payloads = [80, 280, 70_000].map((size, i) => Buffer.alloc(size, 97 + i))
  for (const payload of payloads) await service.publishAsync('public/ticker', payload, { qos: 0 })
  await waitFor(() => received.length === payloads.length, 5_000, 'every message')
  expect(received).toEqual(payloads)
  await Promise.all([guest.endAsync(), service.endAsync()])
})

test('binaryFrame: the header RFC 6455 asks for each payload length', () => {
  const header = (length: number) => [...binaryFrame([Buffer.alloc(length)]).subarray(0, 10)]
  expect(header(125).slice(0, 2)).toEqual([0x82, 125])
  expect(header(126).slice(0, 4)).toEqual([0x82, 126, 0, 126])
  expect(header(65_535).slice(0, 4)).toEqual([0x82, 126, 0xff, 0xff])
  expect(header(65_536)).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
  expect(binaryFrame([Buffer.from('ab'), Buffer.from('c')])).toEqual(Buffer.from([0x82, 3, 97, 98, 99]))
})
