import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import { type Move, MoveHold } from './move-hold.ts'
import { manualTimers } from './test-support.ts'

const move = (orderId: string, from: Move['from'], to: Move['to']): Move => ({ orderId, number: 1, from, to })

function setup(holdMs = 5000) {
  const sent: string[] = []
  const timers = manualTimers()
  const hold = new MoveHold({
    holdMs: signal(holdMs),
    schedule: timers.schedule,
    send: async (m, { leaving }) => void sent.push(`${m.orderId}:${m.to}${leaving ? ' (leaving)' : ''}`),
  })
  return { hold, sent, timers }
}

describe('MoveHold', () => {
  it('holds a move for the undo time, then sends it', async () => {
    const { hold, sent, timers } = setup()
    await hold.move(move('a', 'placed', 'preparing'))
    expect(hold.held.value?.to).toBe('preparing')
    expect(timers.pending()).toEqual([5000])
    expect(sent).toEqual([])
    timers.runAll()
    await hold.release()
    expect(sent).toEqual(['a:preparing'])
    expect(hold.held.value).toBeNull()
  })

  it('drops a move that is undone', async () => {
    const { hold, sent, timers } = setup()
    await hold.move(move('a', 'preparing', 'ready'))
    hold.undo()
    expect(hold.held.value).toBeNull()
    expect(timers.pending()).toEqual([])
    await hold.release()
    expect(sent).toEqual([])
  })

  it('sends the held move at once when the next one is made, in order', async () => {
    const { hold, sent } = setup()
    await hold.move(move('a', 'placed', 'preparing'))
    await hold.move(move('a', 'preparing', 'ready'))
    await hold.move(move('b', 'placed', 'cancelled'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(sent).toEqual(['a:preparing', 'a:ready'])
    expect(hold.held.value?.orderId).toBe('b')
  })

  it('sends what it holds when the page goes away', async () => {
    const { hold, sent } = setup()
    await hold.move(move('a', 'ready', 'delivered'))
    await hold.release()
    expect(sent).toEqual(['a:delivered (leaving)'])
  })

  it('sends at once when there is no undo time', async () => {
    const { hold, sent, timers } = setup(0)
    await hold.move(move('a', 'placed', 'preparing'))
    expect(sent).toEqual(['a:preparing'])
    expect(hold.held.value).toBeNull()
    expect(timers.pending()).toEqual([])
  })
})
