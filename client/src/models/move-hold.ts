import type { ReadonlySignal } from '@preact/signals-core'
import { createModel, effect, signal } from '@preact/signals-core'
import type { OrderStatus } from '../../../contract/index.ts'

/** One tap of the bar: an order from one status to the next (or cancelled). */
export interface Move {
  orderId: string
  number: number
  from: OrderStatus
  to: OrderStatus
}

export interface MoveHoldDeps {
  /** How long a move waits for an undo before it is sent; 0 sends at once. */
  holdMs: ReadonlySignal<number>
  /** Sends a move; handles its own errors. */
  send: (move: Move, options: { leaving: boolean }) => Promise<void>
  /** Runs `task` after `ms`; returns what cancels it. */
  schedule?: (task: () => void, ms: number) => () => void
}

const defaultSchedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms)
  return () => clearTimeout(timer)
}

/**
 * The bar's undo. The lifecycle only goes forward, so a move cannot be taken back once sent:
 * the last move is held for a few seconds instead, shown as done on this screen, and sent when
 * the time is up, when the bar makes another move, or when the page goes away. Until then
 * "undo" simply drops it, and no guest was told their drink was ready by mistake.
 */
export const MoveHold = createModel(({ holdMs, send, schedule = defaultSchedule }: MoveHoldDeps) => {
  const held = signal<Move | null>(null)
  let cancelTimer: (() => void) | null = null
  // Moves are sent one after another, so two moves of one order reach the server in order.
  let sending = Promise.resolve()

  function take(): Move | null {
    const move = held.value
    cancelTimer?.()
    cancelTimer = null
    held.value = null
    return move
  }

  function dispatch(move: Move, leaving = false): Promise<void> {
    sending = sending.then(() => send(move, { leaving }))
    return sending
  }

  function release(leaving = false): Promise<void> {
    const move = take()
    return move ? dispatch(move, leaving) : sending
  }

  // A model that goes away sends what it holds rather than dropping it.
  effect(() => () => void release(true))

  return {
    /** The move that can still be undone. */
    held,
    /** Makes a move: held for the undo time, and whatever was held before is sent now. */
    move(move: Move): Promise<void> {
      void release()
      if (holdMs.value <= 0) return dispatch(move)
      held.value = move
      cancelTimer = schedule(() => void release(), holdMs.value)
      return Promise.resolve()
    },
    undo() {
      take()
    },
    /** Sends the held move now: the page is being hidden or closed. */
    release: () => release(true),
  }
})

export type MoveHold = InstanceType<typeof MoveHold>
