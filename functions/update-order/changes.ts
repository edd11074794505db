import type { TransactionSql } from 'postgres'
import { canTransition, type Order, type OrderStatus, type UpdateOrder } from '../../contract/index.ts'
import { ApiError } from '../shared/errors.ts'
import { findDrink } from '../shared/menu.ts'
import { findLastMove } from '../shared/orders.ts'

/** The bar's move along the lifecycle. */
export function barChange(current: Order, change: UpdateOrder): Order {
  return { ...current, status: transition(current.status, barStatus(change)) }
}

/**
 * The bar takes its last move of this order back: the one exception to the forward-only
 * lifecycle. Only to the status that move left, and only within `undoSeconds` of it, by the
 * database's clock; a guest's change in between leaves nothing to undo.
 */
export async function undoChange(
  tx: TransactionSql,
  current: Order,
  change: UpdateOrder,
  undoSeconds: number,
): Promise<Order> {
  const status = barStatus(change)
  const last = await findLastMove(tx, current.id)
  if (!last) throw new ApiError(409, 'not_undoable', 'this order has no move of the bar to undo')
  if (last.from !== status) {
    throw new ApiError(409, 'not_undoable', `the last move of this order left ${last.from}, not ${status}`)
  }
  if (last.ageMs > undoSeconds * 1000) {
    throw new ApiError(
      409,
      'undo_expired',
      `the move was made ${Math.floor(last.ageMs / 1000)} s ago; a move can be undone for ${undoSeconds} s`,
    )
  }
  return { ...current, status }
}

function barStatus(change: UpdateOrder): OrderStatus {
  const { status, guestId: _, undo: __, ...rest } = change
  if (Object.keys(rest).length > 0) {
    throw new ApiError(400, 'invalid_input', 'the bar changes only the status', [
      { path: Object.keys(rest)[0] ?? '', message: 'only the guest changes this' },
    ])
  }
  if (!status) throw new ApiError(400, 'invalid_input', 'status: missing', [{ path: 'status', message: 'missing' }])
  return status
}

/** The guest's change or cancel, while the bar has not started on the order. */
export async function guestChange(tx: TransactionSql, current: Order, change: UpdateOrder): Promise<Order> {
  const { status, guestId: _, undo, ...fields } = change
  if (undo) throw new ApiError(403, 'forbidden', 'only the bar can undo a move')
  if (status && status !== 'cancelled') {
    throw new ApiError(403, 'forbidden', 'a guest can only cancel; the bar moves orders along')
  }
  if (current.status !== 'placed') {
    throw new ApiError(409, 'not_editable', `the order is already ${current.status} and can no longer be changed`)
  }
  if (fields.drinkId && fields.drinkId !== current.drinkId) {
    const drink = await findDrink(tx, fields.drinkId)
    if (!drink) throw new ApiError(400, 'invalid_input', `drinkId: there is no drink "${fields.drinkId}"`)
    if (!drink.available) throw new ApiError(409, 'sold_out', `${drink.name.en} is sold out`)
  }
  if (!status && Object.keys(fields).length === 0) {
    throw new ApiError(400, 'invalid_input', 'nothing to change')
  }
  return { ...current, ...fields, status: status ? transition(current.status, status) : current.status }
}

function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to))
    throw new ApiError(409, 'invalid_transition', `an order cannot go from ${from} to ${to}`)
  return to
}
