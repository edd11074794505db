import { expect, test } from 'vitest'
import { builtOnFirstUse, forFile, lazy } from './for-file.ts'

let closed = 0
const started = forFile('the thing', async () => ({
  name: 'thing',
  count: 2,
  sql: Object.assign(() => 'called', { options: { max: 2 } }),
  async close() {
    closed++
  },
}))
const built = builtOnFirstUse('the built', () => ({ from: started.name }))

test('what beforeAll started reads, spreads and calls like itself, functions with properties too', () => {
  expect(started.name).toBe('thing')
  expect(started.sql()).toBe('called')
  expect(started.sql.options.max).toBe(2)
  expect({ ...started, count: 3 }).toMatchObject({ name: 'thing', count: 3 })
  expect('count' in started).toBe(true)
  expect(built.from).toBe('thing')
  expect(closed).toBe(0)
})

test('read before beforeAll started it, it says so', () => {
  const early = lazy<{ url: string }>('the early one', () => undefined)
  expect(() => early.url).toThrow('the early one is read before beforeAll started it')
})
