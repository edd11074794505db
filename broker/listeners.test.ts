/**
 * MQTT over WebSocket as the guests' phones receive it: a message arrives in one WebSocket frame,
 * not one frame (and one socket write) for each piece mqtt-packet writes.
 */
import mqttPacket from 'mqtt-packet'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { connectClient, startTestBroker, type TestBroker, testTokens, waitFor } from '../test/harness.ts'

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
