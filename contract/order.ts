import * as v from 'valibot'
import { DrinkIdSchema } from './menu.ts'

export const orderStatuses = ['placed', 'preparing', 'ready', 'delivered', 'cancelled'] as const
export type OrderStatus = (typeof orderStatuses)[number]

/** Statuses in which an order still waits for the bar. */
export const openStatuses: readonly OrderStatus[] = ['placed', 'preparing', 'ready']

export const limits = {
  nicknameLength: 32,
  noteLength: 140,
  quantity: 10,
  /** Orders a guest may have open at once. */
  openOrders: 3,
} as const

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['preparing', 'cancelled'],
  preparing: ['ready', 'cancelled'],
  ready: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
}

/** Whether the lifecycle allows moving an order from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to)
}

/** The status the bar moves an order to with one tap, or null at the end of the lifecycle. */
export function nextStatus(status: OrderStatus): OrderStatus | null {
  return transitions[status].find((next) => next !== 'cancelled') ?? null
}

export const UuidSchema = v.pipe(v.string(), v.uuid('must be a UUID'))

export const NicknameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'a nickname is needed'),
  v.maxLength(limits.nicknameLength, `a nickname has at most ${limits.nicknameLength} characters`),
  v.regex(/^[^\p{Cc}\p{Cf}]*$/u, 'a nickname cannot contain control characters'),
)

export const NoteSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(limits.noteLength, `a note has at most ${limits.noteLength} characters`),
  v.regex(/^[^\p{Cc}]*$/u, 'a note cannot contain control characters'),
)

export const QuantitySchema = v.pipe(
  v.number(),
  v.integer('quantity must be a whole number'),
  v.minValue(1, 'quantity is at least 1'),
  v.maxValue(limits.quantity, `quantity is at most ${limits.quantity}`),
)

/** Body of `POST /api/orders`. Unknown fields are refused. */
export const PlaceOrderSchema = v.strictObject({
  id: v.optional(UuidSchema),
  guestId: UuidSchema,
  nickname: NicknameSchema,
  drinkId: DrinkIdSchema,
  quantity: v.optional(QuantitySchema, 1),
  note: v.optional(NoteSchema, ''),
})
export type PlaceOrderInput = v.InferInput<typeof PlaceOrderSchema>
export type PlaceOrder = v.InferOutput<typeof PlaceOrderSchema>

/**
 * Body of `PATCH /api/orders/:id`. The bar sends `{status}`, or `{status, undo: true}` to take
 * its last move back to `status`; a guest sends its `guestId` with the fields it changes, or
 * `{guestId, status: "cancelled"}`.
 */
export const UpdateOrderSchema = v.strictObject({
  status: v.optional(v.picklist(orderStatuses, 'unknown status')),
  undo: v.optional(v.boolean()),
  guestId: v.optional(UuidSchema),
  nickname: v.optional(NicknameSchema),
  drinkId: v.optional(DrinkIdSchema),
  quantity: v.optional(QuantitySchema),
  note: v.optional(NoteSchema),
})
export type UpdateOrder = v.InferOutput<typeof UpdateOrderSchema>

export interface Order {
  id: string
  /** Short pickup number the bar calls out. */
  number: number
  guestId: string
  nickname: string
  drinkId: string
  quantity: number
  note: string
  status: OrderStatus
  createdAt: string
  updatedAt: string
}
