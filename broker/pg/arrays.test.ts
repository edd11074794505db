/** A hand-built `bytea[]` literal reaches Postgres as exactly the bytes it was made of. */
import { afterAll, expect, test } from 'vitest'
import { testSql } from '../../test/db.ts'
import { byteaArray } from './arrays.ts'

const sql = testSql({ max: 1 })
afterAll(() => sql.end())

test('every byte, empty buffers, views into larger buffers and NULL come back as given', async () => {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
  // A view whose bytes start inside a larger buffer: only the view is sent.
  const view = new Uint8Array(Buffer.from('xx"\\{},NULL yy').buffer, 2, 10)
  const given = [every, Buffer.alloc(0), null, Buffer.from('\\x41'), view]
  // Element by element: postgres.js reads a NULL element of a bytea[] back as an empty buffer.
  const rows = await sql<{ value: Buffer | null }[]>`
    select value from unnest(${byteaArray(given)}::bytea[]) with ordinality as a(value, n) order by n`
  expect(rows.map(({ value }) => (value === null ? null : [...value]))).toEqual(
    given.map((value) => (value === null ? null : [...value])),
  )
})

test('no buffers make an empty array', async () => {
  const [row] = await sql<{ length: number | null }[]>`select cardinality(${byteaArray([])}::bytea[]) as length`
  expect(row?.length).toBe(0)
})
