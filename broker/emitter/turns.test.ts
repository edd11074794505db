/**
 * A large fan-out goes out in slices, one a turn; a message to other subscriptions passes it; a
 * subscription gets its messages in the order they were emitted.
 */
import { expect, test } from 'vitest'
import { type Listen, TurnBoundedEmitter } from './turns.ts'
import type { EmitterMessage } from './wire.ts'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/** `count` subscriptions to `topic`, each recording what it got, in `log`. */
function subscribe(emitter: TurnBoundedEmitter, topic: string, count: number, log: string[][] = []) {
  for (let i = 0; i < count; i++) {
    const got: string[] = []
    log.push(got)
    const listen: Listen = (message, done) => {
      got.push(String(message.payload))
      done()
    }
    emitter.on(topic, listen)
  }
  return log
}

const message = (topic: string, payload: string): EmitterMessage => ({ topic, payload }) as EmitterMessage

test('a fan-out larger than a turn goes out a slice a turn, and calls back once everyone has it', async () => {
  const emitter = new TurnBoundedEmitter({ maxDeliveriesPerTurn: 250 })
  const guests = subscribe(emitter, 'public/ticker', 600)
  let calledBack = false
  emitter.emit(message('public/ticker', 'one'), () => {
    calledBack = true
  })
  const reached = () => guests.filter((got) => got.length > 0).length
  expect(reached()).toBe(250)
  await nextTurn()
  expect(reached()).toBe(500)
  expect(calledBack).toBe(false)
  await nextTurn()
  expect(reached()).toBe(600)
  expect(calledBack).toBe(true)
  for (const got of guests) expect(got).toEqual(['one'])
})

test('a message to other subscriptions goes out at once, during a fan-out', async () => {
  const emitter = new TurnBoundedEmitter({ maxDeliveriesPerTurn: 250 })
  const guests = subscribe(emitter, 'public/ticker', 600)
  const [bar] = subscribe(emitter, 'bar/orders', 1)
  emitter.emit(message('public/ticker', 'ticker'))
  let barCalledBack = false
  emitter.emit(message('bar/orders', 'order'), () => {
    barCalledBack = true
  })
  expect(bar).toEqual(['order'])
  expect(barCalledBack).toBe(true)
  expect(guests.filter((got) => got.length > 0)).toHaveLength(250)
})

test('each subscription gets its messages in the order they were emitted', async () => {
  const emitter = new TurnBoundedEmitter({ maxDeliveriesPerTurn: 250 })
  const guests = subscribe(emitter, 'public/ticker', 300)
  // Subscriptions that match the ticker and the bar's topic, in the ticker's later slice: the
  // order alone is small enough to go out at once.
  const everything = subscribe(emitter, '#', 100)
  const [bar] = subscribe(emitter, 'bar/orders', 1)
  const done: string[] = []
  emitter.emit(message('public/ticker', 'first'), () => done.push('first'))
  emitter.emit(message('public/ticker', 'second'), () => done.push('second'))
  emitter.emit(message('bar/orders', 'order'), () => done.push('order'))
  // The order shares subscriptions with the ticker still going out: it waits behind it.
  expect(bar).toEqual([])
  for (let turn = 0; turn < 10 && done.length < 3; turn++) await nextTurn()
  expect(done).toEqual(['first', 'second', 'order'])
  for (const got of guests) expect(got).toEqual(['first', 'second'])
  for (const got of everything) expect(got).toEqual(['first', 'second', 'order'])
  expect(bar).toEqual(['order'])
})

test('a listener that calls back later holds the callback of the emit, not the next slice', async () => {
  const emitter = new TurnBoundedEmitter({ maxDeliveriesPerTurn: 2 })
  const later: (() => void)[] = []
  for (let i = 0; i < 5; i++) emitter.on('t', (_message, done) => later.push(done))
  let calledBack = false
  emitter.emit(message('t', 'x'), () => {
    calledBack = true
  })
  for (let turn = 0; turn < 3; turn++) await nextTurn()
  expect(later).toHaveLength(5)
  for (const done of later.slice(0, 4)) done()
  expect(calledBack).toBe(false)
  later[4]?.()
  expect(calledBack).toBe(true)
})
