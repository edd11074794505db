import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, signal } from '@preact/signals-core'
import type { Order } from '../../../contract/index.ts'
import { statusRank } from './order-store.ts'

/** The table's columns, which are also its sort keys. */
export const tableColumns = ['number', 'createdAt', 'nickname', 'drinkId', 'quantity', 'note', 'status'] as const
export type TableColumn = (typeof tableColumns)[number]
export type SortDirection = 'ascending' | 'descending'

export interface SortOrder {
  column: TableColumn
  direction: SortDirection
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

/** Sorts a copy; `label` gives what a column shows where that differs from the field (drink names). */
export function sortOrders(
  orders: readonly Order[],
  { column, direction }: SortOrder,
  label: (column: TableColumn, order: Order) => string | number = (c, o) => o[c],
): Order[] {
  const value = (order: Order) => (column === 'status' ? statusRank(order.status) : label(column, order))
  const sign = direction === 'ascending' ? 1 : -1
  return [...orders].sort((a, b) => {
    const x = value(a)
    const y = value(b)
    const byValue = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
    // Ties keep a stable, useful order: newest first.
    return sign * byValue || b.number - a.number
  })
}

/** The full order table: sorted by one column, newest first until the bar picks another. */
export const OrderTable = createModel(
  (
    orders: ReadonlySignal<readonly Order[]>,
    label?: ReadonlySignal<(column: TableColumn, order: Order) => string | number>,
  ) => {
    const sort = signal<SortOrder>({ column: 'number', direction: 'descending' })
    return {
      sort,
      rows: computed(() => sortOrders(orders.value, sort.value, label?.value)),
      /** Sorts by a column; the same column again turns the direction round. */
      sortBy(column: TableColumn) {
        const current = sort.value
        sort.value =
          current.column === column
            ? { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
            : { column, direction: 'ascending' }
      },
    }
  },
)

export type OrderTable = InstanceType<typeof OrderTable>
