import { afterAll, beforeAll, expect, test } from 'vitest'
import webpush from 'web-push'
import { type PushServiceStandIn, startPushService } from './push-service.ts'

let service: PushServiceStandIn
beforeAll(async () => {
  service = await startPushService()
})
afterAll(() => service.close())

const vapid = { subject: 'mailto:test@example.org', ...webpush.generateVAPIDKeys() }

async function post(details: webpush.RequestDetails, body = details.body) {
  const headers = Object.fromEntries(
    Object.entries(details.headers)
      .filter(([name]) => name !== 'Content-Length')
      .map(([name, value]) => [name, String(value)]),
  )
  return fetch(details.endpoint, { method: 'POST', headers, body: body ? new Uint8Array(body) : null })
}

test('decrypts what a Web Push library encrypted for its subscription, and checks its VAPID signature', async () => {
  const subscription = service.subscribe()
  const text = `{"number": 42, "words": "${'é'.repeat(2000)}"}`
  const details = webpush.generateRequestDetails(subscription.json, text, { vapidDetails: vapid, TTL: 60 })
  const res = await post(details)
  expect(res.status).toBe(201)
  expect(res.headers.get('location')).toMatch(/\/message\//)
  expect(subscription.received).toEqual([{ payload: text, ttl: 60, topic: undefined, urgency: 'normal' }])
  expect(service.problems).toEqual([])
})

test('content changed on the way is not taken, and a foreign signature is a problem', async () => {
  const subscription = service.subscribe()
  const details = webpush.generateRequestDetails(subscription.json, 'hello', { vapidDetails: vapid, TTL: 60 })
  const tampered = Buffer.from(details.body as Buffer)
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
  expect((await post(details, tampered)).status).toBe(400)
  expect(subscription.received).toEqual([])
  expect(service.problems.splice(0)).toEqual([expect.stringContaining('cannot decrypt')])

  const other = webpush.generateVAPIDKeys()
  const forged = webpush.generateRequestDetails(subscription.json, 'hello', { vapidDetails: vapid, TTL: 60 })
  forged.headers.Authorization = (forged.headers.Authorization as string).replace(/k=.*$/, `k=${other.publicKey}`)
  await post(forged)
  expect(service.problems.splice(0)).toEqual(['the JWT is not signed by k'])
})

test('answers with the statuses it is given, then 201', async () => {
  const subscription = service.subscribe()
  subscription.answers.push(500, 410)
  const send = () => post(webpush.generateRequestDetails(subscription.json, 'x', { vapidDetails: vapid, TTL: 5 }))
  expect([(await send()).status, (await send()).status, (await send()).status]).toEqual([500, 410, 201])
  expect(subscription.received.map((r) => r.payload)).toEqual(['x'])
  expect(subscription.requests).toBe(3)
})
