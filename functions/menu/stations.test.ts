import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ErrorBody, Menu, Station } from '../../contract/index.ts'
import { topics } from '../../contract/index.ts'
import { barAuth, collect, connectClient, json, startFunctionDeps } from '../../test/harness.ts'
import { createApp } from './index.ts'

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let app: ReturnType<typeof createApp>

// Its own station and drink, so suites sharing the database see the seeded menu unchanged.
const stationId = `test-${randomBytes(4).toString('hex')}`
const drinkId = `drink-${randomBytes(4).toString('hex')}`
const cocktails = {
  name: { en: 'Cocktails', de: 'Cocktails', fr: 'Cocktails', it: 'Cocktail' },
  location: {
    en: 'Left of the stage',
    de: 'Links der Bühne',
    fr: 'À gauche de la scène',
    it: 'A sinistra del palco',
  },
}

beforeAll(async () => {
  deps = await startFunctionDeps()
  app = createApp(deps)
  await deps.sql`
    insert into drinks (id, name, position)
    values (${drinkId}, ${deps.sql.json({ en: 'Mojito', de: 'Mojito', fr: 'Mojito', it: 'Mojito' })}, 1000)`
})
afterAll(async () => {
  await deps.sql`delete from drinks where id = ${drinkId}`
  await deps.sql`delete from stations where id = ${stationId}`
  await deps.close()
})

const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = barAuth) =>
  app.request(path, {
    method,
    headers: { ...json, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
const menu = async () => (await (await app.request('/api/menu')).json()) as Menu

test('the seeded menu has two stations, and its drinks belong to them', async () => {
  const { stations = [], drinks } = await menu()
  expect(stations.map((s) => s.id)).toEqual(['coffee', 'bar'])
  expect(stations[0]?.location?.de).toBe('Kaffeewagen beim Eingang')
  expect(drinks.find((d) => d.id === 'espresso')?.station).toBe('coffee')
  expect(drinks.find((d) => d.id === 'beer')?.station).toBe('bar')
})

test('stations are managed with the bar token only', async () => {
  const res = await request('PUT', `/api/stations/${stationId}`, cocktails, {})
  expect(res.status).toBe(401)
  expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized')
  expect((await request('DELETE', '/api/stations/coffee', undefined, {})).status).toBe(401)
  expect((await menu()).stations?.map((s) => s.id)).not.toContain(stationId)
})

test('a station id or body that does not fit is refused with the field named', async () => {
  const badId = await request('PUT', '/api/stations/Cocktails!', cocktails)
  expect(badId.status).toBe(400)
  expect(((await badId.json()) as ErrorBody).error).toMatchObject({
    code: 'invalid_input',
    issues: [{ path: 'stationId' }],
  })
  // "all" is what a printer for every station is registered to: no station may be called so.
  const all = await request('PUT', '/api/stations/all', cocktails)
  expect(all.status).toBe(400)
  expect(((await all.json()) as ErrorBody).error.issues).toEqual([
    { path: 'stationId', message: '"all" means every station' },
  ])
  const missing = await request('PUT', `/api/stations/${stationId}`, { name: { en: 'Cocktails' } })
  expect(missing.status).toBe(400)
  const missingBody = (await missing.json()) as ErrorBody
  expect(missingBody.error.code).toBe('invalid_input')
  expect(missingBody.error.issues?.map((i) => i.path)).toEqual(['name.de', 'name.fr', 'name.it'])
  const unknown = await request('PUT', `/api/stations/${stationId}`, { ...cocktails, colour: 'red' })
  expect(unknown.status).toBe(400)
  const control = await request('PUT', `/api/stations/${stationId}`, {
    name: { ...cocktails.name, en: 'Cock\u202Etails' },
  })
  expect(((await control.json()) as ErrorBody).error.issues?.[0]?.path).toBe('name.en')
})

test('the bar creates a station, moves a drink to it, and removes it once no drink is left', async () => {
  const guest = await connectClient(deps.broker.url)
  const inbox = collect(guest)
  await guest.subscribeAsync(topics.publicMenu, { qos: 1 })

  const created = await request('PUT', `/api/stations/${stationId}`, cocktails)
  expect(created.status).toBe(201)
  expect(await created.json()).toEqual({ station: { id: stationId, ...cocktails } })
  // The retained menu carries it, for every page at once.
  const published = await inbox.next(
    (m) => (JSON.parse(m.payload) as Menu).stations?.some((s) => s.id === stationId) ?? false,
  )
  expect((JSON.parse(published.payload) as Menu).stations?.find((s) => s.id === stationId)).toEqual({
    id: stationId,
    ...cocktails,
  })

  const renamed = await request('PUT', `/api/stations/${stationId}`, { name: cocktails.name, location: null })
  expect(renamed.status).toBe(200)
  expect(((await renamed.json()) as { station: Station }).station).toEqual({ id: stationId, name: cocktails.name })

  const moved = await request('PUT', `/api/menu/${drinkId}`, { station: stationId })
  expect(moved.status).toBe(200)
  expect((await menu()).drinks.find((d) => d.id === drinkId)?.station).toBe(stationId)

  const inUse = await request('DELETE', `/api/stations/${stationId}`)
  expect(inUse.status).toBe(409)
  expect(((await inUse.json()) as ErrorBody).error.code).toBe('station_in_use')

  const off = await request('PUT', `/api/menu/${drinkId}`, { station: null })
  expect(off.status).toBe(200)
  expect((await menu()).drinks.find((d) => d.id === drinkId)?.station).toBeUndefined()
  expect((await request('DELETE', `/api/stations/${stationId}`)).status).toBe(204)
  expect((await menu()).stations?.map((s) => s.id)).not.toContain(stationId)
  expect((await request('DELETE', `/api/stations/${stationId}`)).status).toBe(404)
  await guest.endAsync()
})

test('a drink can only move to a station that exists', async () => {
  const res = await request('PUT', `/api/menu/${drinkId}`, { station: 'nowhere' })
  expect(res.status).toBe(400)
  expect(((await res.json()) as ErrorBody).error).toMatchObject({
    code: 'invalid_input',
    issues: [{ path: 'station' }],
  })
  const malformed = await request('PUT', `/api/menu/${drinkId}`, { station: 'Not A Slug' })
  expect(malformed.status).toBe(400)
  expect((await menu()).drinks.find((d) => d.id === drinkId)?.station).toBeUndefined()
})
