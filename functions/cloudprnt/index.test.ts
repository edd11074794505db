import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type CloudprntServerSetting, cloudprntPrinterPath, cloudprntRoutes } from '../../contract/index.ts'
import { barAuth, json, startFunctionDeps } from '../../test/harness.ts'
import { openApiDocument } from '../shared/openapi.ts'
import { readCloudprntOptions } from './config.ts'
import { createApp } from './index.ts'

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  deps = await startFunctionDeps()
  app = createApp({ ...deps, cloudprnt: { mqttPort: 18830, useTls: false } })
})
afterAll(async () => {
  await deps.close()
})

const randomMac = () => (randomBytes(6).toString('hex').match(/../g) ?? []).join(':')
const register = (body: unknown, headers: Record<string, string> = { ...json, ...barAuth }) =>
  app.request(`http://bar.example:8080${cloudprntRoutes.printers}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const settings = (mac: string, authorization?: string) =>
  app.request(
    `http://venue.local:8080${cloudprntRoutes.setting}?mac=${encodeURIComponent(mac)}&replaced_path=server`,
    authorization ? { headers: { authorization } } : {},
  )

test('the bar registers a printer by MAC to a station and is shown its credentials once', async () => {
  const mac = randomMac()
  const res = await register({ mac: mac.toUpperCase().replaceAll(':', '-'), station: 'coffee', name: 'Counter' })
  expect(res.status).toBe(201)
  const body = (await res.json()) as {
    printer: { mac: string; station: string; name: string; username: string }
    credentials: { username: string; password: string }
    serverUrl: string
  }
  expect(body.printer).toMatchObject({ mac, station: 'coffee', name: 'Counter' })
  expect(body.credentials.username).toBe(`cloudprnt-${mac.replaceAll(':', '')}`)
  expect(body.credentials.password).toMatch(/^[A-Za-z0-9_-]{24}$/)
  expect(body.serverUrl).toBe(`http://bar.example:8080${cloudprntRoutes.server}`)
  const [row] = await deps.sql`select password_hash from cloudprnt_printers where mac = ${mac}`
  expect(row?.password_hash).toMatch(/^scrypt\$/)
  expect(row?.password_hash).not.toContain(body.credentials.password)

  expect((await register({ mac, station: 'tea' })).status).toBe(409)
  const listed = await app.request(cloudprntRoutes.printers, { headers: barAuth })
  expect(((await listed.json()) as { printers: { mac: string }[] }).printers.map((p) => p.mac)).toContain(mac)
})

test('registering needs the bar token, a MAC and a station id', async () => {
  expect((await register({ mac: randomMac(), station: 'all' }, json)).status).toBe(401)
  const bad = await register({ mac: '00:11:22', station: 'Coffee Bar' })
  expect(bad.status).toBe(400)
  const { error } = (await bad.json()) as { error: { code: string; issues: { path: string }[] } }
  expect(error.code).toBe('invalid_input')
  expect(error.issues.map((issue) => issue.path).sort()).toEqual(['mac', 'station'])
  expect((await register({ mac: randomMac(), station: 'all', extra: 1 })).status).toBe(400)
  expect((await app.request(cloudprntRoutes.printers)).status).toBe(401)
})

test('a printer gets its MQTT settings with its own user name and password, nobody else', async () => {
  const mac = randomMac()
  const { credentials } = (await (await register({ mac, station: 'all' })).json()) as {
    credentials: { username: string; password: string }
  }
  const res = await settings(mac, basic(credentials.username, credentials.password))
  expect(res.status).toBe(200)
  expect((await res.json()) as CloudprntServerSetting).toEqual({
    title: 'star_cloudprnt_server_setting',
    version: '1.0.0',
    reloadIntervalMin: 60,
    serverSupportProtocol: ['MQTT'],
    settingForMQTT: {
      useTriggerPOST: false,
      mqttConnectionSetting: {
        hostName: 'venue.local',
        portNumber: 18830,
        useTls: false,
        authenticationSetting: { clientId: credentials.username, ...credentials },
      },
    },
  })
  const refused = await settings(mac)
  expect(refused.status).toBe(401)
  expect(refused.headers.get('www-authenticate')).toBe('Basic realm="cloudprnt"')
  expect((await settings(mac, basic(credentials.username, 'guess'))).status).toBe(401)
  expect((await settings(randomMac(), basic(credentials.username, credentials.password))).status).toBe(401)
  expect((await settings('not-a-mac', basic(credentials.username, credentials.password))).status).toBe(400)

  // Removed: no settings any more.
  expect((await app.request(cloudprntPrinterPath(mac), { method: 'DELETE', headers: barAuth })).status).toBe(204)
  expect((await app.request(cloudprntPrinterPath(mac), { method: 'DELETE', headers: barAuth })).status).toBe(404)
  expect((await settings(mac, basic(credentials.username, credentials.password))).status).toBe(401)
})

test('the OpenAPI document lists the CloudPRNT routes', () => {
  const paths = Object.keys(openApiDocument().paths)
  expect(paths).toEqual(
    expect.arrayContaining([cloudprntRoutes.setting, cloudprntRoutes.printers, '/api/cloudprnt/printers/{mac}']),
  )
})

test('printers are given the public address, whichever the bar registered them through', async () => {
  const behind = createApp({
    ...deps,
    cloudprnt: { mqttPort: 1883, useTls: false, publicUrl: 'http://10.0.0.5:8080/' },
  })
  const res = await behind.request(`http://localhost:8080${cloudprntRoutes.printers}`, {
    method: 'POST',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ mac: randomMac(), station: 'all' }),
  })
  expect(((await res.json()) as { serverUrl: string }).serverUrl).toBe(`http://10.0.0.5:8080${cloudprntRoutes.server}`)
})

test('the settings are read once from the environment, a wrong value stops the start', () => {
  expect(readCloudprntOptions({}, 18830)).toEqual({ mqttPort: 18830, useTls: false })
  expect(
    readCloudprntOptions({
      CLOUDPRNT_MQTT_HOST: 'mqtt.venue',
      CLOUDPRNT_MQTT_PORT: '8883',
      CLOUDPRNT_MQTT_TLS: 'true',
    }),
  ).toEqual({ mqttHost: 'mqtt.venue', mqttPort: 8883, useTls: true })
  expect(() => readCloudprntOptions({ CLOUDPRNT_MQTT_PORT: 'eighty' })).toThrow('CLOUDPRNT_MQTT_PORT')
  expect(() => readCloudprntOptions({ CLOUDPRNT_MQTT_TLS: 'yes' })).toThrow('CLOUDPRNT_MQTT_TLS')
})
