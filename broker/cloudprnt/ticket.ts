import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder'
import { CLOUDPRNT_MEDIA_TYPE, type Locale, type Order, type PrintJob } from '../../contract/index.ts'

/** Characters per line: font A on 58 mm paper, so the ticket fits every Star CloudPRNT model. */
export const TICKET_COLUMNS = 32

const words: Record<Locale, { for: string; note: string }> = {
  en: { for: 'for', note: 'Note' },
  de: { for: 'für', note: 'Notiz' },
  fr: { for: 'pour', note: 'Remarque' },
  it: { for: 'per', note: 'Nota' },
}

/**
 * One order as Star PRNT mode commands ("Content Media Types": application/vnd.star.starprnt),
 * which every CloudPRNT Version MQTT printer accepts. Text goes out in code page 1252 (selected
 * with `ESC GS t 32`), which has €, the umlauts and the accents of de, fr and it; a character
 * outside it prints as `?`.
 */
export function renderStarTicket(order: Order, drinkName: string, lang: Locale): Uint8Array {
  const label = words[lang]
  const encoder = new ReceiptPrinterEncoder({
    language: 'star-prnt',
    columns: TICKET_COLUMNS,
    codepageMapping: 'star',
    feedBeforeCut: 3,
    newline: '\n',
  })
  encoder.initialize().codepage('windows1252')
  encoder.align('center').bold(true).size(3, 3).line(`#${order.number}`).size(1, 1).bold(false)
  encoder.align('left').line('-'.repeat(TICKET_COLUMNS))
  encoder.bold(true).line(`${order.quantity} × ${drinkName}`).bold(false)
  encoder.line(`${label.for} ${order.nickname}`)
  if (order.note) encoder.line(`${label.note}: ${order.note}`)
  encoder.line(`${order.createdAt.slice(11, 16)} UTC`)
  return encoder.cut('partial').encode()
}

/** The `print-job` message of an order for one printer: its id is the job token. */
export function printJob(order: Order, drinkName: string, lang: Locale): PrintJob {
  return {
    title: 'print-job',
    jobToken: order.id,
    jobType: 'raw',
    mediaTypes: [CLOUDPRNT_MEDIA_TYPE],
    printData: Buffer.from(renderStarTicket(order, drinkName, lang)).toString('base64'),
  }
}
