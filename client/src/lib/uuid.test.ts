import { describe, expect, it } from 'vitest'
import { isUuid, newId } from './uuid.ts'

describe('newId', () => {
  it('makes distinct UUIDs', () => {
    const a = newId()
    expect(isUuid(a)).toBe(true)
    expect(a).not.toBe(newId())
  })

  it('builds a v4 from random bytes where randomUUID is missing (plain http)', () => {
    const id = newId({ getRandomValues: (array) => crypto.getRandomValues(array) })
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
