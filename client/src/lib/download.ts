/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  // Revoked a moment later: some browsers read the URL after click() returned.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
