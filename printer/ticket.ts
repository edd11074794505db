import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder'
import type { Locale, Order } from '../contract/index.ts'
import { codepageNumbers, foldText, type PrinterCodepage } from './codepages.ts'

export const paperWidths = [58, 80] as const
export type PaperWidth = (typeof paperWidths)[number]

/** Characters per line in the printer's default font A (12 × 24 dots). */
export const columnsOf: Record<PaperWidth, number> = { 58: 32, 80: 48 }

export interface TicketOptions {
  width: PaperWidth
  codepage: PrinterCodepage
  /** IANA zone the order time is shown in, e.g. `Europe/Zurich`. */
  timeZone: string
  /** Language of the drink name and of the few words on the ticket. */
  lang: Locale
}

const words: Record<Locale, { for: string; note: string }> = {
  en: { for: 'for', note: 'Note' },
  de: { for: 'für', note: 'Notiz' },
  fr: { for: 'pour', note: 'Remarque' },
  it: { for: 'per', note: 'Nota' },
}

/**
 * One order as ESC/POS bytes: the pickup number as large as the paper allows, then quantity and
 * drink, the nickname, the note, the local time of the order, and a partial cut. `extra` lines
 * go above the cut (the test page uses them).
 */
export function renderTicket(
  order: Order,
  drinkName: string,
  options: TicketOptions,
  { now = new Date(), extra = [] }: { now?: Date; extra?: string[] } = {},
): Uint8Array {
  const columns = columnsOf[options.width]
  const text = (value: string) => foldText(value, options.codepage)
  const rule = '-'.repeat(columns)
  const label = words[options.lang]
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns,
    // Only the chosen page is offered, so the encoder never switches to another one mid-ticket.
    codepageMapping: { [options.codepage]: codepageNumbers[options.codepage] },
    // Lines the paper travels between the print head and the cutter.
    feedBeforeCut: 4,
    newline: '\n',
  })
  encoder.initialize().codepage(options.codepage)

  const big = options.width === 80 ? 4 : 3
  encoder.align('center').bold(true).size(big, big).line(`#${order.number}`).size(1, 1).bold(false)
  encoder.align('left').line(rule)
  encoder.bold(true).size(1, 2)
  encoder.line(text(`${order.quantity} × ${drinkName}`))
  encoder.line(text(`${label.for} ${order.nickname}`))
  encoder.size(1, 1).bold(false)
  if (order.note) encoder.line(text(`${label.note}: ${order.note}`))
  encoder.line(rule)
  encoder
    .align('right')
    .line(orderTime(order.createdAt, options.timeZone, now))
    .align('left')
  for (const line of extra) encoder.line(text(line))
  return encoder.cut('partial').encode()
}

/**
 * `HH:MM` in the zone; with the date in front when the order is not from today, so a ticket
 * that waited overnight in the queue does not pass for a fresh one.
 */
export function orderTime(iso: string, timeZone: string, now: Date): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  const parts = (date: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map((part) => [part.type, part.value]),
    ) as Record<string, string>
  const when = parts(at)
  const today = parts(now)
  const day = `${when.year}-${when.month}-${when.day}`
  const time = `${when.hour}:${when.minute}`
  return day === `${today.year}-${today.month}-${today.day}` ? time : `${day} ${time}`
}

/** The order of the test page: every character that trips up a wrong code page. */
export function sampleOrder(now = new Date()): Order {
  const at = now.toISOString()
  return {
    id: '00000000-0000-4000-8000-000000000000',
    number: 42,
    eventId: 1,
    guestId: '00000000-0000-4000-8000-000000000001',
    nickname: 'Zoë Müller',
    drinkId: 'coffee',
    quantity: 2,
    note: 'Grüße, 2 € Trinkgeld – à bientôt! Öl Ärger éàèç',
    status: 'placed',
    createdAt: at,
    updatedAt: at,
  }
}
