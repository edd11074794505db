import type { Order } from '../../contract/index.ts'

const columns = [
  'event',
  'number',
  'status',
  'nickname',
  'drinkId',
  'quantity',
  'note',
  'createdAt',
  'updatedAt',
  'id',
  'guestId',
] as const

/** An order with its event's name, which the CSV lists it under. */
export type CsvOrder = Order & { event: string }

/**
 * RFC 4180 CSV with a header row. The byte order mark lets spreadsheets pick UTF-8, so umlauts
 * survive; cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
 */
export function toCsv(orders: CsvOrder[]): string {
  const lines = [columns.join(','), ...orders.map((order) => columns.map((key) => cell(order[key])).join(','))]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

function cell(value: string | number): string {
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
