import type { Order } from '../../../../contract/index.ts'
import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { saveBlob } from '../../lib/download.ts'
import { drinkName } from '../../models/menu-model.ts'
import type { TableColumn } from '../../models/order-table.ts'
import { tableColumns } from '../../models/order-table.ts'
import type { BarApp } from './bar-app.ts'
import '../../styles/orders-table.css'

/** Every order, sortable by any column, with the CSV export. */
export function OrdersTable({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const sort = app.table.sort.value
  const cell = (column: TableColumn, order: Order) => {
    switch (column) {
      case 'createdAt':
        return <time dateTime={order.createdAt}>{i18n.time(order.createdAt)}</time>
      case 'drinkId':
        return drinkName(app.menu.byId.value, order.drinkId, i18n.locale.value)
      case 'status':
        return (
          <span class="status" data-status={order.status}>
            {messages[statusKey(order.status)]}
          </span>
        )
      case 'number':
        return i18n.pickup(order.number)
      case 'quantity':
        return i18n.number(order.quantity)
      default:
        return order[column]
    }
  }
  return (
    <section class="card" aria-labelledby="all-heading">
      <div class="section-head">
        <h2 id="all-heading">{messages.allOrders}</h2>
        <button
          type="button"
          aria-busy={app.bar.busy.value.has('csv')}
          onClick={() =>
            void app.bar.exportCsv((csv) => saveBlob(csv, `orders-${new Date().toISOString().slice(0, 10)}.csv`))
          }
        >
          {messages.exportCsv}
        </button>
      </div>
      <div class="table-scroll">
        <table class="orders-table">
          <thead>
            <tr>
              {tableColumns.map((column) => (
                <th key={column} scope="col" aria-sort={sort.column === column ? sort.direction : undefined}>
                  <button type="button" class="sort" onClick={() => app.table.sortBy(column)}>
                    {messages[`col_${column}`]}
                    <span aria-hidden="true" class="sort-mark">
                      {sort.column === column ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {app.table.rows.value.map((order) => (
              <tr key={order.id}>
                {tableColumns.map((column) => (
                  <td key={column} class={`cell-${column}`}>
                    {cell(column, order)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
