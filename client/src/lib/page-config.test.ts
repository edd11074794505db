import { describe, expect, it } from 'vitest'
import { defaultPageConfig, readPageConfig } from './page-config.ts'

describe('readPageConfig', () => {
  it('takes what the server says', () => {
    expect(
      readPageConfig({
        publicUrl: 'https://drinks.example',
        eventName: 'Gala',
        waitMinutes: [2, 4, 10],
        undoSeconds: 3,
        other: true,
      }),
    ).toEqual({ publicUrl: 'https://drinks.example', eventName: 'Gala', waitMinutes: [2, 4, 10], undoSeconds: 3 })
  })

  it('keeps the defaults (3/5/7 minutes, 5 s to undo) for missing or odd fields', () => {
    expect(readPageConfig({ publicUrl: 'x', eventName: 'y' })).toMatchObject({ waitMinutes: [3, 5, 7], undoSeconds: 5 })
    expect(readPageConfig({ waitMinutes: [5, 3, 7], undoSeconds: -1 })).toEqual(defaultPageConfig)
    expect(readPageConfig({ waitMinutes: [3, 5], undoSeconds: '5' })).toEqual(defaultPageConfig)
    expect(readPageConfig(null)).toEqual(defaultPageConfig)
  })
})
