/**
 * A network receipt printer for tests: a TCP server on loopback that records what it is sent,
 * can be switched off and on again on the same port, and can answer ESC/POS status requests.
 */
import { createServer, type Socket } from 'node:net'
import { decode, type PrinterCodepage } from '../../printer/codepages.ts'

const cut = Buffer.from([0x1d, 0x56]) // GS V: the cut that ends every ticket
const statusRequest = Buffer.from([0x10, 0x04, 0x01])

export interface FakePrinter {
  readonly port: number
  readonly url: string
  /** Whether it answers `DLE EOT 1` (with "online"). */
  answerStatus: boolean
  /** The complete tickets received (each up to its cut), decoded, in the order they arrived. */
  tickets(codepage?: PrinterCodepage): string[]
  /** The raw bytes of each complete ticket. */
  ticketBytes(): Buffer[]
  /** The pickup numbers of the tickets, in the order they arrived. */
  numbers(): number[]
  /** Switches the printer on: it accepts connections on its port. */
  on(): Promise<void>
  /** Switches it off: connections are dropped and refused. */
  off(): Promise<void>
}

export async function startFakePrinter({ on = true, answerStatus = false } = {}): Promise<FakePrinter> {
  const received: Buffer[] = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    // Per connection: a ticket cut short by a dropped connection never joins the next one.
    const index = received.push(Buffer.alloc(0)) - 1
    socket.on('data', (data) => {
      received[index] = Buffer.concat([received[index] ?? Buffer.alloc(0), data])
      if (printer.answerStatus && data.includes(statusRequest)) socket.write(Uint8Array.of(0x12))
    })
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        const address = server.address()
        resolve(typeof address === 'object' && address ? address.port : port)
      })
    })
  const port = await listen(0)
  if (!on) await new Promise((resolve) => server.close(resolve))

  const ticketBytes = () =>
    received.flatMap((buffer) => {
      const tickets: Buffer[] = []
      for (let start = 0, end = buffer.indexOf(cut); end >= 0; end = buffer.indexOf(cut, start)) {
        tickets.push(buffer.subarray(start, end + cut.length + 1))
        start = end + cut.length + 1
      }
      return tickets
    })
  const tickets = (codepage: PrinterCodepage = 'windows1252') => ticketBytes().map((bytes) => decode(bytes, codepage))

  const printer: FakePrinter = {
    port,
    url: `tcp://127.0.0.1:${port}`,
    answerStatus,
    tickets,
    ticketBytes,
    numbers: () => tickets().map((text) => Number(/#(\d+)/.exec(text)?.[1] ?? Number.NaN)),
    async on() {
      if (!server.listening) await listen(port)
    },
    async off() {
      for (const socket of sockets) socket.destroy()
      if (server.listening) await new Promise((resolve) => server.close(resolve))
    },
  }
  return printer
}
