import type { Sql, TransactionSql } from 'postgres'
import type { Order, OrderStatus } from '../../contract/index.ts'

type Db = Sql | TransactionSql

export interface OrderRow {
  id: string
  number: number
  guest_id: string
  nickname: string
  drink_id: string
  quantity: number
  note: string
  status: OrderStatus
  created_at: Date
  updated_at: Date
}

export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    number: row.number,
    guestId: row.guest_id,
    nickname: row.nickname,
    drinkId: row.drink_id,
    quantity: row.quantity,
    note: row.note,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export async function findOrder(db: Db, id: string, { lock = false } = {}): Promise<Order | null> {
  const [row] = lock
    ? await db<OrderRow[]>`select * from orders where id = ${id} for update`
    : await db<OrderRow[]>`select * from orders where id = ${id}`
  return row ? toOrder(row) : null
}
