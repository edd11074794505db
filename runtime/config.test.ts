import { describe, expect, test } from 'vitest'
import { createConfigReader, readEnv } from './config.ts'

describe('readEnv', () => {
  test('unset or empty, every setting takes its default', () => {
    const read = readEnv({ EMPTY: '' })
    expect(read.text('EMPTY', 'Drinks')).toBe('Drinks')
    expect(read.text('UNSET', undefined)).toBeUndefined()
    expect(read.whole('EMPTY', 7)).toBe(7)
    expect(read.port('UNSET', 8080)).toBe(8080)
    expect(read.flag('UNSET', true)).toBe(true)
    expect(read.oneOf('UNSET', [58, 80], 80)).toBe(80)
    expect(read.parse('UNSET', [3, 5, 7], () => undefined, 'never')).toEqual([3, 5, 7])
  })

  test('set, each is read as its kind', () => {
    const read = readEnv({ NAME: 'Fest', COUNT: '12', PORT: '0', ON: 'true', OFF: 'false', WIDTH: '58', LIST: '1,2' })
    expect(read.text('NAME', 'Drinks')).toBe('Fest')
    expect(read.required('NAME', 'needed')).toBe('Fest')
    expect(read.whole('COUNT', 1, { min: 1, max: 60 })).toBe(12)
    expect(read.port('PORT', 8080)).toBe(0)
    expect(read.flag('ON', false)).toBe(true)
    expect(read.flag('OFF', true)).toBe(false)
    expect(read.oneOf('WIDTH', [58, 80], 80)).toBe(58)
    expect(read.parse('LIST', [], (text) => text.split(',').map(Number), 'a list')).toEqual([1, 2])
  })

  test('a value that cannot be read stops the start, naming the variable, its value and what fits', () => {
    const read = readEnv({ COUNT: '2.5', LOW: '0', PORT: '70000', FLAG: 'yes', WIDTH: '76', URL: 'nowhere' })
    expect(() => read.whole('COUNT', 1)).toThrow('COUNT=2.5 is not a whole number 0 or more')
    expect(() => read.whole('LOW', 1, { min: 1, max: 60 })).toThrow('LOW=0 is not a whole number from 1 to 60')
    expect(() => read.port('PORT', 8080)).toThrow('PORT=70000 is not a whole number from 0 to 65535')
    expect(() => read.flag('FLAG', false)).toThrow('FLAG=yes is not true or false')
    expect(() => read.oneOf('WIDTH', [58, 80], 80)).toThrow('WIDTH must be one of 58, 80, not 76')
    expect(() => read.parse('URL', '', () => undefined, 'an http(s) address')).toThrow(
      'URL=nowhere is not an http(s) address',
    )
    expect(() => read.required('DATABASE_URL', 'the broker keeps its state in Postgres')).toThrow(
      'DATABASE_URL is not set: the broker keeps its state in Postgres',
    )
  })
})

test('a reader over other sources names each setting as its caller spells it', () => {
  const flags: Record<string, string> = { width: '76' }
  const read = createConfigReader((name) => flags[name], { label: (name) => `--${name}` })
  expect(() => read.oneOf('width', [58, 80], 80)).toThrow('--width must be one of 58, 80, not 76')
})
