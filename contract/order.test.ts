import * as v from 'valibot'
import { describe, expect, test } from 'vitest'
import { NicknameSchema, NoteSchema, PlaceOrderSchema, UuidSchema } from './order.ts'

const accepts = (schema: v.GenericSchema, value: string) => v.safeParse(schema, value)

describe('nicknames', () => {
  test.each([
    ['a family joined with U+200D', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'],
    ['a profession joined with U+200D', 'Ada \u{1F469}\u200D\u{1F4BB}'],
    ['a flag with a variation selector and U+200D', '\u{1F3F3}\uFE0F\u200D\u{1F308} Sam'],
    [
      'a subdivision flag made of tag characters',
      'Ewan \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
    ],
    ['a heart with a variation selector', 'Lea ❤️'],
    ['an ideographic variation selector', '\u845B\u{E0100}'],
    ['accents and other scripts', 'Zoë Łukasz Ἀλέξανδρος ক্ষি'],
    ['32 letters', 'x'.repeat(32)],
    [
      '32 joined emoji: characters are counted as a guest sees them',
      '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'.repeat(32),
    ],
  ])('accepts %s', (_, nickname) => {
    expect(accepts(NicknameSchema, nickname).success).toBe(true)
  })

  test.each([
    ['33 letters', 'x'.repeat(33)],
    ['33 joined emoji', '\u{1F469}\u200D\u{1F4BB}'.repeat(33)],
    ['a blank one', '   '],
    ['only a joiner', '\u200D'],
    ['only variation selectors', '\uFE0F\uFE0F'],
    ['a control character', 'Max\u0007'],
    ['a right-to-left override', 'Max\u202Eevil'],
    ['a left-to-right embedding', '\u202AMax'],
    ['a first-strong isolate', 'Max\u2068x\u2069'],
    ['a zero-width space', 'Ma\u200Bx'],
    ['a language tag', '\u{E0001}Max'],
    ['a line separator', 'Max\u2028Moritz'],
    ['a lone surrogate', 'Max\uD800'],
    ['one letter carrying dozens of combining marks', `Z${'\u0301'.repeat(40)}`],
  ])('refuses %s', (_, nickname) => {
    expect(accepts(NicknameSchema, nickname).success).toBe(false)
  })

  test('is trimmed and composed (NFC), so one name is stored one way', () => {
    expect(v.parse(NicknameSchema, '  Zoe\u0308  ')).toBe('Zoë')
    expect(v.parse(NicknameSchema, '  Zoe\u0308  ')).toBe(v.parse(NicknameSchema, 'Zoë'))
  })
})

describe('notes', () => {
  test.each([
    ['a right-to-left override', 'oat milk\u202E'],
    ['a pop directional formatting', 'oat\u202C milk'],
    ['a right-to-left isolate', '\u2067oat milk'],
    ['a pop directional isolate', 'oat milk\u2069'],
    ['a lone surrogate', 'oat \uDC00milk'],
    ['a newline', 'oat\nmilk'],
  ])('refuses %s', (_, note) => {
    expect(accepts(NoteSchema, note).success).toBe(false)
  })

  test.each([
    ['an empty note', ''],
    ['joined emoji', 'for 👨‍👩‍👧 🏳️‍🌈'],
    ['140 characters', 'n'.repeat(140)],
  ])('accepts %s', (_, note) => {
    expect(accepts(NoteSchema, note).success).toBe(true)
  })

  test('is trimmed and composed (NFC)', () => {
    expect(v.parse(NoteSchema, ' cre\u0300me ')).toBe('crème')
  })
})

test('UUIDs are read in lower case, as Postgres gives them back', () => {
  expect(v.parse(UuidSchema, 'A3B1C2D4-0000-4000-8000-ABCDEF012345')).toBe('a3b1c2d4-0000-4000-8000-abcdef012345')
  const order = v.parse(PlaceOrderSchema, {
    id: 'F0E1D2C3-B4A5-4968-8776-655443322110',
    guestId: 'A3B1C2D4-0000-4000-8000-ABCDEF012345',
    nickname: 'Max',
    drinkId: 'tea',
  })
  expect(order).toMatchObject({
    id: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    guestId: 'a3b1c2d4-0000-4000-8000-abcdef012345',
  })
})
