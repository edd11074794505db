/**
 * Array parameters written as Postgres array literals by hand, for the hot statements. postgres.js
 * serialises a `bytea[]` element by element: each buffer to hex, then the hex through two regular
 * expressions that escape backslashes and quotes (which hex never holds). For a batch of queued
 * messages that was a tenth of everything the broker allocated. A literal built here is a string
 * that postgres.js passes on unchanged for a parameter the server describes as an array.
 */

/** The `bytea[]` literal of the buffers (null elements stay NULL). */
export function byteaArray(buffers: readonly (Uint8Array | null)[]): string {
  let literal = '{'
  for (const [index, buffer] of buffers.entries()) {
    if (index > 0) literal += ','
    // In an array literal a backslash is escaped: "\\x…" is the element \x…, bytea's hex format.
    literal +=
      buffer === null
        ? 'NULL'
        : `"\\\\x${Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('hex')}"`
  }
  return `${literal}}`
}
