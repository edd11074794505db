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

export interface LastMoveDeps {
  /** How long the server lets the bar undo a move (`undoSeconds`); 0: no undo. */
  windowMs: ReadonlySignal<number>
  /** Runs `task` after `ms`; returns what cancels it. */
  schedule?: (task: () => void, ms: number) => () => void
}

const defaultSchedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms)
  return () => clearTimeout(timer)
}

/**
 * The bar's last move, while the server still lets the bar take it back. It is forgotten when
 * the window is over, when the bar makes another move, and once it is undone: the server
 * undoes only the last move of an order, once.
 */
export const LastMove = createModel(({ windowMs, schedule = defaultSchedule }: LastMoveDeps) => {
  const move = signal<Move | null>(null)
  let cancelTimer: (() => void) | null = null

  function take(): Move | null {
    const last = move.value
    cancelTimer?.()
    cancelTimer = null
    move.value = null
    return last
  }

  effect(() => () => cancelTimer?.())

  return {
    /** The move the bar can still undo. */
    move,
    /**
     * Remembers a move the server accepted, for what is left of the window (`elapsedMs` went
     * by since the tap, so the page never offers an undo the server would refuse as late).
     */
    remember(last: Move, elapsedMs = 0) {
      take()
      const left = windowMs.value - elapsedMs
      if (left <= 0) return
      move.value = last
      cancelTimer = schedule(take, left)
    },
    /** The move to undo, forgotten at once: it can be undone only once. */
    take,
  }
})

export type LastMove = InstanceType<typeof LastMove>
