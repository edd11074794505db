import { describe, expect, it } from 'vitest'
import { Clock, minutesText, waitedMinutes, waitLevel } from './wait-time.ts'

const at = Date.parse('2026-11-25T20:00:00.000Z')
const minutes = (n: number) => at + n * 60_000
const since = '2026-11-25T20:00:00.000Z'

describe('wait time', () => {
  it('counts whole minutes, never below zero', () => {
    expect(waitedMinutes(since, minutes(4.9))).toBe(4)
    expect(waitedMinutes(since, minutes(-1))).toBe(0)
  })

  it('says minutes in the language', () => {
    expect(minutesText('de', 4)).toBe('4 Min.')
    expect(minutesText('en', 4)).toBe('4 min')
  })

  it('turns one level more urgent at each threshold', () => {
    const levels = [0, 2.9, 3, 4.99, 5, 7, 60].map((m) => waitLevel(since, minutes(m), [3, 5, 7]))
    expect(levels).toEqual([0, 0, 1, 1, 2, 3, 3])
    expect(waitLevel(since, minutes(3), [1, 2, 10])).toBe(2)
  })
})

describe('Clock', () => {
  it('ticks, and stops when disposed', async () => {
    let time = 0
    const clock = new Clock(5, () => ++time)
    const first = clock.now.value
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(clock.now.value).toBeGreaterThan(first)
    clock[Symbol.dispose]()
    const last = clock.now.value
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(clock.now.value).toBe(last)
  })
})
