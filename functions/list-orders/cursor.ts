import { Refusal } from '../shared/errors.ts'

/**
 * Cursors point just past the last order of a page, by (createdAt, id): pages stay stable
 * while new orders arrive, since new orders only ever appear before the first page.
 */
export function encodeCursor(order: { createdAt: string; id: string }): string {
  return Buffer.from(`${order.createdAt}|${order.id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  const createdAt = new Date(at ?? '')
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new Refusal(400, 'invalid_input', 'cursor: not a cursor this API gave out', [
      { path: 'cursor', message: 'unknown cursor' },
    ])
  }
  return { createdAt, id }
}
