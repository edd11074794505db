/**
 * An mqemitter that hands a message to at most `maxDeliveriesPerTurn` subscriptions in one
 * event-loop turn. mqemitter hands a message to every matching subscription at once: the ticker
 * of one order, to 2,000 guests, is one turn of 100-200 ms of socket writes here, and the bar's
 * copy of the next order, the functions' publishes and every PINGREQ wait for its end. Here a
 * large fan-out goes out in slices, one a turn, and what arrives meanwhile is read between them.
 *
 * Order is kept per subscription, as MQTT asks of each topic [MQTT-4.6.0-5]: a message whose
 * subscriptions have nothing waiting is handed out at once (the bar's order during a ticker's
 * fan-out); one that shares a subscription with a fan-out still under way waits behind it, and
 * fan-outs go out in the order they were emitted. `emit` calls back once every subscription has
 * taken the message, as mqemitter does.
 */
import mqemitter from 'mqemitter'
import type { EmitterMessage } from './wire.ts'

export type Listen = (this: unknown, message: EmitterMessage, done: () => void) => void
export type Done = (error?: Error) => void

/**
 * Subscriptions handed a message in one turn, at most (default). About 10-20 ms of a turn at the
 * 40-80 µs a WebSocket guest costs the broker here; the bar's order waits at most that long.
 */
export const defaultMaxDeliveriesPerTurn = 250

/**
 * Messages being delivered at once by a broker's local emitter before the next ones queue in
 * mqemitter: Aedes' own default for the emitter it makes when given none.
 */
export const aedesConcurrency = 100

export interface MQEmitterOptions {
  /** Local deliveries in flight before messages queue, as in mqemitter (default 0: no limit). */
  concurrency?: number | undefined
  /** mqemitter's matching options (defaults: true, '/', '+', '#'). */
  matchEmptyLevels?: boolean | undefined
  separator?: string | undefined
  wildcardOne?: string | undefined
  wildcardSome?: string | undefined
  /** Subscriptions handed a message in one turn (default {@link defaultMaxDeliveriesPerTurn}). */
  maxDeliveriesPerTurn?: number | undefined
}

interface MQEmitterBase {
  current: number
  concurrency: number
  closed: boolean
  on(topic: string, listener: Listen, done?: () => void): this
  removeListener(topic: string, listener: Listen, done?: () => void): this
  emit(message: EmitterMessage, done?: Done): this
  close(done?: () => void): this
}

/** mqemitter's internals that `_do` uses (mqemitter 7). */
interface MQEmitterInternals {
  _doing: boolean
  _matcher: { match(topic: string): Listen[] }
  _parallel(that: unknown, matches: Listen[], message: EmitterMessage, done: Done): void
  _released(): void
}

// mqemitter is a constructor function that also works with `new` from a subclass.
const MQEmitter = mqemitter as unknown as new (options: object) => MQEmitterBase

/** A message being handed out in slices. */
interface FanOut {
  message: EmitterMessage
  matches: Listen[]
  /** The next subscription to hand it to. */
  next: number
  /** Subscriptions that have not yet called back. */
  pending: number
  done: Done
}

export class TurnBoundedEmitter extends MQEmitter {
  readonly #maxPerTurn: number
  /** Fan-outs not yet handed to every subscription, oldest first. */
  readonly #fanOuts: FanOut[] = []
  /** Per subscription, how many messages wait in #fanOuts to be handed to it. */
  readonly #waiting = new Map<Listen, number>()
  #scheduled = false

  constructor({ maxDeliveriesPerTurn = defaultMaxDeliveriesPerTurn, ...options }: MQEmitterOptions = {}) {
    // mqemitter takes an undefined option as its default.
    super(options)
    if (!(maxDeliveriesPerTurn >= 1)) throw new Error('maxDeliveriesPerTurn must be 1 or more')
    this.#maxPerTurn = maxDeliveriesPerTurn
  }

  /** mqemitter's delivery of one message, replaced: at once when it is small and nothing it shares waits. */
  _do(message: EmitterMessage, done: Done): this {
    const self = this as unknown as MQEmitterInternals
    const matches = self._matcher.match(message.topic)
    self._doing = true
    this.current++
    const sharesWaiting = this.#waiting.size > 0 && matches.some((listen) => this.#waiting.has(listen))
    if (matches.length <= this.#maxPerTurn && !sharesWaiting) {
      self._parallel(this, matches, message, done)
      return this
    }
    const fanOut: FanOut = { message, matches, next: 0, pending: matches.length, done }
    for (const listen of matches) this.#waiting.set(listen, (this.#waiting.get(listen) ?? 0) + 1)
    this.#fanOuts.push(fanOut)
    // The first slice goes now unless older fan-outs are still going out.
    if (this.#fanOuts.length === 1) this.#handOut()
    else this.#schedule()
    return this
  }

  /** Hands out up to a turn's worth of the oldest fan-outs, and schedules the rest. */
  #handOut = () => {
    this.#scheduled = false
    let budget = this.#maxPerTurn
    while (budget > 0 && this.#fanOuts.length > 0) {
      const fanOut = this.#fanOuts[0] as FanOut
      const end = Math.min(fanOut.matches.length, fanOut.next + budget)
      const from = fanOut.next
      fanOut.next = end
      budget -= end - from
      if (end === fanOut.matches.length) this.#fanOuts.shift()
      for (let i = from; i < end; i++) {
        const listen = fanOut.matches[i] as Listen
        const left = (this.#waiting.get(listen) ?? 1) - 1
        if (left === 0) this.#waiting.delete(listen)
        else this.#waiting.set(listen, left)
        listen.call(this, fanOut.message, () => this.#delivered(fanOut))
      }
    }
    if (this.#fanOuts.length > 0) this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(this.#handOut)
  }

  #delivered(fanOut: FanOut): void {
    if (--fanOut.pending > 0) return
    ;(this as unknown as MQEmitterInternals)._released()
    fanOut.done()
  }
}
