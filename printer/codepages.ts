/**
 * The code pages the bridge prints in. ESC/POS has no UTF-8: text goes out as single bytes of a
 * code page selected with `ESC t n`. Both pages here have €, umlauts and the accents of de, fr
 * and it; windows1252 also has the typographic quotes and dashes phone keyboards type.
 */
export const codepages = ['windows1252', 'cp858'] as const
export type PrinterCodepage = (typeof codepages)[number]

/** `ESC t n` numbers in Epson's table, which most ESC/POS printers and clones follow. */
export const codepageNumbers: Record<PrinterCodepage, number> = { windows1252: 16, cp858: 19 }

/** Characters of bytes 0x80 to 0xFF of cp858 (cp850 with € at 0xD5), in byte order. */
const cp858High =
  'ÇüéâäàåçêëèïîìÄÅ' +
  'ÉæÆôöòûùÿÖÜø£Ø×ƒ' +
  'áíóúñÑªº¿®¬½¼¡«»' +
  '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' +
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤' +
  'ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀' +
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´' +
  '\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0'

/**
 * Bytes 0x80 to 0x9F of windows-1252; 0xA0 to 0xFF are Latin-1. The five bytes the page leaves
 * undefined are C1 controls here, as in the WHATWG table, and never printed. (Node's
 * `TextDecoder('windows-1252')` decodes this range as Latin-1 since 20.18.3 and 22.13.0,
 * nodejs/node#60888, so the table is spelled out.)
 */
const windows1252C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

function highHalf(codepage: PrinterCodepage): string[] {
  if (codepage === 'cp858') return [...cp858High]
  return [...windows1252C1, ...Array.from({ length: 96 }, (_, i) => String.fromCharCode(0xa0 + i))]
}

const tables = new Map<PrinterCodepage, string[]>(codepages.map((page) => [page, highHalf(page)]))

/** The characters of a code page by byte, 0x00 to 0xFF (ASCII below 0x80). */
export function codepageTable(codepage: PrinterCodepage): string[] {
  const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i))
  return [...ascii, ...(tables.get(codepage) ?? [])]
}

/** Decodes printer bytes as the printer shows them in `codepage`; for tests and debugging. */
export function decode(bytes: Uint8Array, codepage: PrinterCodepage): string {
  const table = codepageTable(codepage)
  return Array.from(bytes, (byte) => table[byte] ?? '?').join('')
}

// The encoder sends these two as cp437's glyphs 0x14 and 0x15, which a printer takes for control codes.
const sentAsControls: Record<PrinterCodepage, string> = { windows1252: '', cp858: '¶§' }

const printable = new Map<PrinterCodepage, Set<string>>(
  codepages.map((page) => [
    page,
    new Set(codepageTable(page).filter((char) => !/\p{Cc}/u.test(char) && !sentAsControls[page].includes(char))),
  ]),
)

// Typed by phones and word processors; not in every code page.
const typographic: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': ',',
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u2022': '*',
  '\u2032': "'",
  '\u2033': '"',
  '\u2039': '<',
  '\u203a': '>',
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

/**
 * Text as the code page can print it: characters of the page stay, quotes and dashes the page
 * lacks become ASCII, letters with marks it lacks lose the mark (ő → o), control characters
 * become spaces and invisible format characters go (text must never carry a printer command),
 * and anything else (emoji) is one `?` per character a reader sees.
 */
export function foldText(text: string, codepage: PrinterCodepage): string {
  const page = printable.get(codepage) ?? new Set<string>()
  const fits = (value: string) => value.length > 0 && [...value].every((char) => page.has(char))
  let out = ''
  for (const { segment } of segmenter.segment(text.normalize('NFC'))) {
    if (/^[\p{Cc}\p{Zl}\p{Zp}]+$/u.test(segment)) out += ' '
    else if (/^\p{Cf}+$/u.test(segment)) continue
    else if (fits(segment)) out += segment
    else if (typographic[segment] !== undefined) out += typographic[segment]
    else {
      const bare = segment.normalize('NFKD').replace(/[\p{M}\p{Cf}]/gu, '')
      out += fits(bare) ? bare : '?'
    }
  }
  return out
}
