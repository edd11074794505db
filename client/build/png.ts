import { deflateSync } from 'node:zlib'

type Point = readonly [number, number]
type Rgb = readonly [number, number, number]

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** An 8-bit RGB PNG of `size`×`size` pixels; `pixel(x, y)` gives each colour. */
export function encodePng(size: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const rows = Buffer.alloc(size * (1 + size * 3))
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3) // each row starts with its filter byte, 0: none
    for (let x = 0; x < size; x++) rows.set(pixel(x, y), row + 1 + x * 3)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // depth 8, truecolour, deflate, no filter choice, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ])
}

function inside(polygon: readonly Point[], x: number, y: number): boolean {
  let odd = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point
    const [xj, yj] = polygon[j] as Point
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd
  }
  return odd
}

export interface IconOptions {
  size: number
  /** The shape in a 32×32 box, drawn centred. */
  shape: readonly Point[]
  /** Of the icon's width the shape's 32 units take: under 0.8 keeps it in a maskable icon's safe circle. */
  scale: number
  background: Rgb
  foreground: Rgb
}

/** A shape on a full background, smoothed by 4×4 samples per pixel. */
export function drawIcon({ size, shape, scale, background, foreground }: IconOptions): Buffer {
  const unit = (size * scale) / 32
  const offset = (size - size * scale) / 2
  const samples = 4
  return encodePng(size, (x, y) => {
    let hits = 0
    for (let sy = 0; sy < samples; sy++)
      for (let sx = 0; sx < samples; sx++)
        if (inside(shape, (x + (sx + 0.5) / samples - offset) / unit, (y + (sy + 0.5) / samples - offset) / unit))
          hits++
    const a = hits / samples ** 2
    return [0, 1, 2].map((i) => Math.round((foreground[i] ?? 0) * a + (background[i] ?? 0) * (1 - a))) as unknown as Rgb
  })
}
