import * as v from 'valibot'
import { afterAll, expect, test } from 'vitest'
import { type Menu, MenuSchema, OrderSchema, orderStatuses, topics } from '../../contract/index.ts'
import { builtOnFirstUse } from '../../test/for-file.ts'
import { barAuth, collect, connectClient, functionDepsForFile, json } from '../../test/harness.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))
afterAll(async () => {
  await deps.sql`update drinks set available = true where id = 'red-wine'`
})

test('GET /api/menu lists the drinks with names in four languages', async () => {
  const res = await app.request('/api/menu')
  expect(res.status).toBe(200)
  const menu = (await res.json()) as Menu
  const ids = menu.drinks.map((d) => d.id)
  expect(ids).toEqual(expect.arrayContaining(['coffee', 'tea', 'water', 'orange-juice', 'beer', 'white-wine']))
  expect(menu.drinks.find((d) => d.id === 'beer')?.name).toEqual({ en: 'Beer', de: 'Bier', fr: 'Bière', it: 'Birra' })
})

test('the bar marks a drink sold out: stored, and the retained public/menu follows', async () => {
  const res = await app.request('/api/menu/red-wine', {
    method: 'PUT',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ available: false }),
  })
  expect(res.status).toBe(200)
  const menu = (await (await app.request('/api/menu')).json()) as Menu
  expect(menu.drinks.find((d) => d.id === 'red-wine')?.available).toBe(false)

  // A guest that connects afterwards still gets the menu: it is retained.
  const guest = await connectClient(deps.broker.url)
  const inbox = collect(guest)
  await guest.subscribeAsync(topics.publicMenu)
  const message = await inbox.next((m) => m.topic === topics.publicMenu)
  expect((JSON.parse(message.payload) as Menu).drinks.find((d) => d.id === 'red-wine')?.available).toBe(false)
  await guest.endAsync()
})

test('changing the menu needs the bar token', async () => {
  const res = await app.request('/api/menu/beer', { method: 'PUT', headers: json, body: '{"available":false}' })
  expect(res.status).toBe(401)
  const unknown = await app.request('/api/menu/champagne', {
    method: 'PUT',
    headers: { ...json, ...barAuth },
    body: '{}',
  })
  expect(unknown.status).toBe(404)
})

test('GET /api/openapi.json describes the API with the schemas that validate requests', async () => {
  const res = await app.request('/api/openapi.json')
  expect(res.status).toBe(200)
  const doc = (await res.json()) as {
    openapi: string
    paths: Record<string, object>
    components: {
      schemas: Record<
        string,
        {
          properties?: Record<string, { maxLength?: number; 'x-maxGraphemes'?: number }>
          additionalProperties?: boolean
        }
      >
    }
  }
  expect(doc.openapi).toBe('3.1.0')
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/api/orders', '/api/orders/{id}', '/api/menu', '/api/menu/{drinkId}']),
  )
  const placeOrder = doc.components.schemas.PlaceOrder
  expect(placeOrder?.additionalProperties).toBe(false)
  // Characters as a guest counts them (grapheme clusters); maxLength bounds the code points.
  expect(placeOrder?.properties?.nickname).toMatchObject({ 'x-maxGraphemes': 32, maxLength: 32 * 16 })
  expect(placeOrder?.properties?.note).toMatchObject({ 'x-maxGraphemes': 140, maxLength: 140 * 16 })
})

test('GET /api/openapi.json gives every payload the shape of its contract schema, and every reference resolves', async () => {
  const doc = (await (await app.request('/api/openapi.json')).json()) as {
    components: { schemas: Record<string, { required?: string[]; properties?: Record<string, object> }> }
  }
  const { schemas } = doc.components
  const required = Object.entries(OrderSchema.entries).filter(([, entry]) => entry.type !== 'optional')
  expect(schemas.Order?.required?.toSorted()).toEqual(required.map(([name]) => name).toSorted())
  expect(schemas.Order?.properties).toHaveProperty('station')
  expect(schemas.Order?.properties?.status).toMatchObject({ enum: [...orderStatuses] })
  expect(schemas.Order?.properties?.number).toMatchObject({ type: 'integer', minimum: 1 })
  for (const name of [
    'OrderEvent',
    'TickerEvent',
    'PickupBoard',
    'Menu',
    'Station',
    'StationPut',
    'OrderList',
    'Error',
  ])
    expect(schemas, name).toHaveProperty(name)
  const parameters = (doc as unknown as { paths: Record<string, Record<string, { parameters?: object[] }>> }).paths
  expect(parameters['/api/orders']?.get?.parameters).toContainEqual({
    name: 'status',
    in: 'query',
    explode: false,
    schema: expect.objectContaining({ items: expect.objectContaining({ enum: [...orderStatuses] }) }),
  })
  expect(parameters['/api/menu/{drinkId}']?.put?.parameters).toContainEqual(
    expect.objectContaining({ name: 'drinkId', schema: expect.objectContaining({ pattern: expect.any(String) }) }),
  )
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1])
  expect(refs.length).toBeGreaterThan(0)
  for (const ref of refs) expect(Object.keys(schemas)).toContain(ref?.replace('#/components/schemas/', ''))
})

test('the menu the API answers has the shape the contract gives it', async () => {
  expect(v.is(MenuSchema, await (await app.request('/api/menu')).json())).toBe(true)
})
