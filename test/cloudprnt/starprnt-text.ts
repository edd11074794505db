/**
 * The text a Star PRNT mode job prints, for the simulated printer: the few commands of Star's
 * StarPRNT command specification a text ticket uses, every other command refused, so a job the
 * printer could not print fails here too. Code pages by `ESC GS t n`: 4 is 858, 32 is 1252.
 */
import { decode, type PrinterCodepage } from '../../printer/codepages.ts'

const ESC = 0x1b
const GS = 0x1d
const pages: Record<number, PrinterCodepage> = { 4: 'cp858', 32: 'windows1252' }

/** The tickets of a job (each ends at a cut), as text lines; throws on a command it does not know. */
export function starPrntTickets(bytes: Uint8Array): string[] {
  const tickets: string[] = []
  let page: PrinterCodepage | null = null
  let text = ''
  let run: number[] = []
  const flush = () => {
    if (run.length === 0) return
    if (!page && run.some((byte) => byte >= 0x80)) throw new Error('text above 0x7f before a code page was chosen')
    text += decode(Uint8Array.from(run), page ?? 'windows1252')
    run = []
  }
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    if (byte >= 0x20 || byte === 0x0a) {
      run.push(byte)
      continue
    }
    flush()
    if (byte === 0x18) continue // CAN: clears the line buffer, nothing printed yet
    if (byte !== ESC) throw new Error(`control byte 0x${byte.toString(16)} at ${i}`)
    const [a, b, c] = [bytes[i + 1], bytes[i + 2], bytes[i + 3]]
    if (a === 0x40) {
      page = null // ESC @: initialize
      i += 1
    } else if (a === 0x45 || a === 0x46)
      i += 1 // ESC E / ESC F: emphasis on, off
    else if (a === 0x69)
      i += 3 // ESC i n1 n2: character size
    else if (a === 0x2d)
      i += 2 // ESC - n: underline
    else if (a === GS && b === 0x74 && c !== undefined) {
      const chosen = pages[c]
      if (!chosen) throw new Error(`code page ${c} not known here`)
      page = chosen
      i += 3
    } else if (a === GS && b === 0x61)
      i += 3 // ESC GS a n: alignment
    else if (a === 0x64) {
      // ESC d n: cut; the ticket ends here
      tickets.push(text)
      text = ''
      i += 2
    } else throw new Error(`unknown command ESC 0x${a?.toString(16)} at ${i}`)
  }
  flush()
  if (text.trim()) tickets.push(text)
  return tickets
}
