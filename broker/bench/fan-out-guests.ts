/**
 * The guests of the fan-out bench (fan-out.ts), in a process of their own: `count` WebSocket
 * connections to `url`, each a clean MQTT session subscribed to `public/ticker`. They count the
 * PUBLISH frames they receive and tell the parent when all subscribed and when `target` arrived.
 * Raw frames, no MQTT client: what they cost is theirs, not the broker's.
 */
import mqttPacket from 'mqtt-packet'
import { WebSocket } from 'ws'

const [url = '', count = '0'] = process.argv.slice(2)
const send = (message: object) => process.send?.(message)
let received = 0
let target = Number.POSITIVE_INFINITY

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'mqtt')
    ws.on('error', reject)
    ws.on('open', () => {
      const connect = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0 } as const
      ws.send(mqttPacket.generate({ ...connect, clientId: `fan-out-${i}` }))
      ws.send(
        mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'public/ticker', qos: 0 }] }),
      )
    })
    ws.on('message', (data: Buffer) => {
      // CONNACK (0x20, four bytes), then SUBACK (0x90), in one frame or two; then PUBLISH (0x30).
      if (data[0] === 0x90 || (data[0] === 0x20 && data[4] === 0x90)) resolve()
      else if (data[0] === 0x30 && ++received >= target) send({ received })
    })
  })
}

const total = Number(count)
for (let i = 0; i < total; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, total - i) }, (_, k) => open(i + k)))
}
send({ subscribed: total })
process.on('message', (message: { target: number }) => {
  target = message.target
  if (received >= target) send({ received })
})
