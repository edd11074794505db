import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder'
import { describe, expect, test } from 'vitest'
import type { Order } from '../contract/index.ts'
import { codepageNumbers, codepages, codepageTable, decode, foldText } from './codepages.ts'
import { fallbackName } from './drink-names.ts'
import { orderTime, renderTicket, type TicketOptions } from './ticket.ts'

const order: Order = {
  id: '6f1c2a53-0d6e-4f0e-9a7a-3b1f5c1d2e3f',
  number: 1234,
  eventId: 1,
  guestId: '0b8f5d1e-2c3a-4b5c-8d9e-0f1a2b3c4d5e',
  nickname: 'Jürg',
  drinkId: 'coffee',
  quantity: 2,
  note: 'Öl, 2 € für dich',
  status: 'placed',
  createdAt: '2026-11-25T20:15:00.000Z',
  updatedAt: '2026-11-25T20:15:00.000Z',
}
const options: TicketOptions = { width: 80, codepage: 'windows1252', timeZone: 'Europe/Zurich', lang: 'de' }
const sameDay = new Date('2026-11-25T22:00:00.000Z')
const ESC = 0x1b
const GS = 0x1d

describe('the code pages', () => {
  test.each(codepages)('%s: each character of the table is the byte the encoder sends for it', (codepage) => {
    const table = codepageTable(codepage)
    const sent = (char: string) => {
      const encoder = new ReceiptPrinterEncoder({
        columns: 48,
        codepageMapping: { [codepage]: codepageNumbers[codepage] },
        newline: '\n',
      })
      const bytes = encoder.codepage(codepage).text(`|${char}`).encode()
      return bytes[bytes.lastIndexOf(0x7c) + 1]
    }
    for (let byte = 0x80; byte <= 0xff; byte++) {
      const char = table[byte] ?? ''
      // Control characters are never sent; foldText keeps ¶ and § from cp858 (see codepages.ts).
      if (/\p{Cc}/u.test(char) || (codepage === 'cp858' && '¶§'.includes(char))) continue
      expect({ char, byte: sent(char) }).toEqual({ char, byte })
    }
  })

  test('folds what a page lacks into what it has, and never passes a control character', () => {
    expect(foldText('Max’s “Drink” – ok…', 'cp858')).toBe('Max\'s "Drink" - ok...')
    expect(foldText('Max’s “Drink”', 'windows1252')).toBe('Max’s “Drink”')
    expect(foldText('Győző Šárka Čapek', 'windows1252')).toBe('Gyozo Šárka Capek')
    expect(foldText('Győző Šárka Čapek', 'cp858')).toBe('Gyozo Sárka Capek')
    expect(foldText('e\u0301 👍🏽 🇨🇭!', 'cp858')).toBe('é ? ?!')
    expect(foldText('a\u001b@b\tc\u200bd', 'windows1252')).toBe('a @b cd')
    expect(foldText('§ 3 ¶', 'cp858')).toBe('? 3 ?')
    expect(foldText('§ 3 ¶', 'windows1252')).toBe('§ 3 ¶')
  })
})

describe('renderTicket', () => {
  test.each([
    [80, 'windows1252'],
    [58, 'windows1252'],
    [80, 'cp858'],
    [58, 'cp858'],
  ] as const)(
    '%i mm in %s: number, drink, nickname, note and local time, in the right code page',
    (width, codepage) => {
      const bytes = renderTicket(order, 'Kaffee', { ...options, width, codepage }, { now: sameDay })
      const text = decode(bytes, codepage)
      expect(text).toContain('#1234')
      expect(text).toContain('2 × Kaffee')
      expect(text).toContain('für Jürg')
      expect(text).toContain('Notiz: Öl, 2 € für dich')
      expect(text).toContain('21:15')
      const columns = width === 80 ? 48 : 32
      expect(text).toContain(`\n${'-'.repeat(columns)}\n`)
      expect(text).not.toContain('-'.repeat(columns + 1))
      // ESC t n selects the code page once; GS V 1 cuts (partially) at the end.
      expect(includes(bytes, [ESC, 0x74, codepageNumbers[codepage]])).toBe(true)
      expect(bytes.filter((byte, i) => byte === ESC && bytes[i + 1] === 0x74)).toHaveLength(1)
      expect([...bytes.slice(-4)]).toEqual([GS, 0x56, 0x01, 0x0a])
    },
  )

  test('prints the pickup number large: 3 times on 58 mm, 4 times on 80 mm', () => {
    // GS ! n: width multiple in the high nibble, height in the low one, both minus one.
    expect(includes(renderTicket(order, 'Kaffee', { ...options, width: 58 }), [GS, 0x21, 0x22])).toBe(true)
    expect(includes(renderTicket(order, 'Kaffee', { ...options, width: 80 }), [GS, 0x21, 0x33])).toBe(true)
  })

  test('leaves the note out when there is none, and speaks the chosen language', () => {
    const text = decode(
      renderTicket({ ...order, note: '' }, 'Café', { ...options, lang: 'fr' }, { now: sameDay }),
      'windows1252',
    )
    expect(text).toContain('2 × Café')
    expect(text).toContain('pour Jürg')
    expect(text).not.toContain('Remarque')
  })

  test('a nickname cannot smuggle printer commands', () => {
    const bytes = renderTicket({ ...order, nickname: 'A\u001bd\u0005B' }, 'Kaffee', options)
    expect(decode(bytes, 'windows1252')).toContain('für A d B')
    expect(includes(bytes, [ESC, 0x64, 0x05])).toBe(false)
  })
})

describe('orderTime', () => {
  test('shows the time in the zone, with the date when the order is not from today', () => {
    expect(orderTime(order.createdAt, 'Europe/Zurich', sameDay)).toBe('21:15')
    expect(orderTime(order.createdAt, 'America/New_York', sameDay)).toBe('15:15')
    expect(orderTime(order.createdAt, 'Europe/Zurich', new Date('2026-11-26T08:00:00Z'))).toBe('2026-11-25 21:15')
  })
})

test('a drink without a known name prints as its id, readably', () => {
  expect(fallbackName('orange-juice')).toBe('Orange juice')
})

function includes(bytes: Uint8Array, sequence: number[]): boolean {
  return Buffer.from(bytes).includes(Buffer.from(sequence))
}
