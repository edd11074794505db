import { describe, expect, it } from 'vitest'
import { qrShape } from './qr-path.ts'

const squares = (d: string) => d.match(/M\d+ \d+h1v1h-1z/g) ?? []

describe('qrShape', () => {
  it('draws a square code with the three finder patterns in their corners', () => {
    const { size, d } = qrShape('https://drinks.example.org/')
    expect((size - 17) % 4).toBe(0)
    const dark = new Set(squares(d).map((s) => s.slice(1, s.indexOf('h'))))
    // The outer ring of each 7×7 finder pattern is dark: top-left, top-right, bottom-left.
    for (const [x, y] of [
      [0, 0],
      [size - 7, 0],
      [0, size - 7],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        expect(dark.has(`${x + i} ${y}`)).toBe(true)
        expect(dark.has(`${x} ${y + i}`)).toBe(true)
      }
    }
  })

  it('grows with the text', () => {
    expect(qrShape(`https://drinks.example.org/${'x'.repeat(120)}`).size).toBeGreaterThan(qrShape('https://a.b/').size)
  })
})
