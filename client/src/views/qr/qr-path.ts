import { create } from 'qrcode'

/** A QR code as one SVG path: `size` modules square, each dark module a 1×1 square in `d`. */
export interface QrShape {
  size: number
  d: string
}

/**
 * Encodes `text` and draws it as path data, so the poster renders it as an ordinary SVG
 * element rather than pasting the library's SVG markup into the page.
 */
export function qrShape(text: string): QrShape {
  const { modules } = create(text, { errorCorrectionLevel: 'M' })
  const parts: string[] = []
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (modules.get(row, column)) parts.push(`M${column} ${row}h1v1h-1z`)
    }
  }
  return { size: modules.size, d: parts.join('') }
}
