import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import { LastMove, type Move } from './last-move.ts'
import { manualTimers } from './test-support.ts'

const move = (orderId: string): Move => ({ orderId, number: 7, from: 'placed', to: 'preparing' })

describe('LastMove', () => {
  it('offers a move for what is left of the undo window, then forgets it', () => {
    const timers = manualTimers()
    const last = new LastMove({ windowMs: signal(5000), schedule: timers.schedule })
    last.remember(move('a'), 300)
    expect(last.move.value?.orderId).toBe('a')
    expect(timers.pending()).toEqual([4700])
    timers.runAll()
    expect(last.move.value).toBeNull()
  })

  it('keeps only the latest move, and gives it up once for its undo', () => {
    const timers = manualTimers()
    const last = new LastMove({ windowMs: signal(5000), schedule: timers.schedule })
    last.remember(move('a'))
    last.remember(move('b'))
    expect(timers.pending()).toEqual([5000])
    expect(last.take()?.orderId).toBe('b')
    expect(last.take()).toBeNull()
    expect(timers.pending()).toEqual([])
  })

  it('offers nothing when the window is over before the answer came, or there is none', () => {
    const timers = manualTimers()
    const last = new LastMove({ windowMs: signal(5000), schedule: timers.schedule })
    last.remember(move('a'), 5000)
    expect(last.move.value).toBeNull()
    const none = new LastMove({ windowMs: signal(0), schedule: timers.schedule })
    none.remember(move('a'))
    expect(none.move.value).toBeNull()
  })
})
