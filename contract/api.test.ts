import { expect, test } from 'vitest'
import { api, routes } from './index.ts'

test('API paths are the routes with their parameter filled in and encoded', () => {
  expect(api.order('6f1c2b1e-0a4b-4c3d-9e8f-0123456789ab')).toBe('/api/orders/6f1c2b1e-0a4b-4c3d-9e8f-0123456789ab')
  expect(api.drink('a/b c')).toBe('/api/menu/a%2Fb%20c')
  expect(routes.order).toBe('/api/orders/:id')
  expect(api.orders).toBe(routes.orders)
})
