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

export interface IconOptions {
  size: number
  /** The shape in a 32×32 box, drawn centred. */
  shape: readonly Point[]
  /** Of the icon's width the shape's 32 units take: under 0.8 keeps it in a maskable icon's safe circle. */
  scale: number
  background: Rgb
  foreground: Rgb
}

/** A shape on a full background, smoothed by 4×4 samples per pixel (scanlines, even-odd fill). */
export function drawIcon({ size, shape, scale, background, foreground }: IconOptions): Buffer {
  const samples = 4
  const unit = (size * scale) / 32
  const offset = (size - size * scale) / 2
  const points = shape.map(([x, y]) => [x * unit + offset, y * unit + offset] as const)
  const coverage = new Float32Array(size * size)
  for (let row = 0; row < size * samples; row++) {
    const y = (row + 0.5) / samples
    const crossings: number[] = []
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i] as Point
      const [xj, yj] = points[j] as Point
      if (yi > y !== yj > y) crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi))
    }
    crossings.sort((a, b) => a - b)
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.ceil((crossings[k] ?? 0) * samples - 0.5)
      const to = Math.floor((crossings[k + 1] ?? 0) * samples - 0.5)
      for (let column = Math.max(0, from); column <= Math.min(size * samples - 1, to); column++) {
        const index = Math.floor(row / samples) * size + Math.floor(column / samples)
        coverage[index] = (coverage[index] ?? 0) + 1 / samples ** 2
      }
    }
  }
  return encodePng(size, (x, y) => {
    const a = Math.min(1, coverage[y * size + x] ?? 0)
    return [0, 1, 2].map((i) => Math.round((foreground[i] ?? 0) * a + (background[i] ?? 0) * (1 - a))) as unknown as Rgb
  })
}
