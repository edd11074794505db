import { connect as connectTcp, type Socket } from 'node:net'
import type { Logger } from '../runtime/logger.ts'
import { sleep } from './backoff.ts'

/**
 * When a ticket counts as taken by the printer:
 * - `write`: the bytes left for the printer (write callback) and the connection did not fail
 *   for `settleMs` afterwards, which catches a printer that resets a connection it cannot serve;
 * - `status`: in addition, the printer answered an ESC/POS real-time status request
 *   (`DLE EOT 1`), which proves it is alive and read everything sent before it. Use it when
 *   the printer supports it (Epson TM and most clones do): it also catches a printer that lost
 *   power without closing the connection.
 */
export type Confirm = 'write' | 'status'

export interface PrinterLinkOptions {
  host: string
  port: number
  confirm: Confirm
  /** How long the connection must stay healthy after the write. Default 200 ms. */
  settleMs?: number
  /** Limit for connecting and for each print. Default 10 s. */
  timeoutMs?: number
  log: Logger
}

/** One raw TCP connection (port 9100) to a network receipt printer, opened on demand. */
export interface PrinterLink {
  /** Opens the connection unless it is open; rejects when the printer cannot be reached. */
  connect(): Promise<void>
  /**
   * Sends one ticket and resolves once the printer took it (see `Confirm`); rejects otherwise,
   * and the connection is dropped. `onSent` runs right after the bytes were handed to the
   * operating system, while the confirmation is still pending; it must not reject.
   */
  print(bytes: Uint8Array, onSent?: () => Promise<void>): Promise<void>
  close(): Promise<void>
}

const statusRequest = Uint8Array.of(0x10, 0x04, 0x01) // DLE EOT 1: transmit printer status
// A status byte has bits 1 and 4 set and bits 0 and 7 clear; bit 3 means offline.
const isStatusByte = (byte: number) => (byte & 0x93) === 0x12

export function createPrinterLink({
  host,
  port,
  confirm,
  settleMs = 200,
  timeoutMs = 10_000,
  log,
}: PrinterLinkOptions): PrinterLink {
  let socket: Socket | null = null
  const where = `${host}:${port}`

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const next = connectTcp({ host, port })
      const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs)
      const fail = (error: Error) => {
        clearTimeout(timer)
        next.destroy()
        reject(error)
      }
      next.once('error', fail)
      next.once('connect', () => {
        clearTimeout(timer)
        next.off('error', fail)
        next.setNoDelay(true)
        next.setKeepAlive(true, 10_000)
        // Flowing, so that 'end' is seen and unasked status bytes do not pile up.
        next.resume()
        next.on('error', (error) => log.warn(`printer ${where}: ${error.message}`))
        next.on('close', () => {
          if (socket === next) socket = null
        })
        log.info(`connected to the printer at ${where}`)
        resolve(next)
      })
    })

  let opening: Promise<Socket> | null = null
  // One connection at most: many printers serve a single one and ignore the rest.
  const connect = async () => {
    if (socket && !socket.destroyed && socket.writable) return socket
    opening ??= open().finally(() => {
      opening = null
    })
    socket = await opening
    return socket
  }

  return {
    async connect() {
      await connect()
    },

    async print(bytes, onSent) {
      const current = await connect()
      const watch = watchFailure(current)
      const deadline = rejectAfter(timeoutMs, `the printer did not take the ticket within ${timeoutMs} ms`)
      let sent: Promise<void> | undefined
      try {
        const written = new Promise<void>((resolve, reject) =>
          current.write(bytes, (error) => (error ? reject(error) : resolve())),
        )
        sent = onSent?.()
        await Promise.race([written, watch.failed, deadline.expired])
        if (confirm === 'status') {
          const status = await Promise.race([readStatus(current), watch.failed, deadline.expired])
          if (status & 0x08) log.warn(`printer ${where} reports offline (cover open or paper out?)`)
        }
        await Promise.race([sleep(settleMs), watch.failed])
        await sent
      } catch (error) {
        current.destroy()
        await sent
        throw error
      } finally {
        watch.dispose()
        deadline.cancel()
      }
    },

    async close() {
      const current = socket
      socket = null
      if (!current || current.destroyed) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => current.destroy(), 1000)
        current.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        current.end()
      })
    },
  }
}

/** Rejects when the connection errs or the printer closes it. */
function watchFailure(socket: Socket) {
  let onError: (error: Error) => void = () => {}
  let onEnd: () => void = () => {}
  const failed = new Promise<never>((_, reject) => {
    onError = (error) => reject(error)
    onEnd = () => reject(new Error('the printer closed the connection'))
    socket.once('error', onError)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
  })
  failed.catch(() => {})
  return {
    failed,
    dispose() {
      socket.off('error', onError)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
    },
  }
}

function rejectAfter(ms: number, message: string) {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  expired.catch(() => {})
  return { expired, cancel: () => clearTimeout(timer) }
}

/** Asks for the printer status and resolves with the first status byte that comes back. */
function readStatus(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    const onData = (data: Buffer) => {
      const byte = data.find(isStatusByte)
      if (byte === undefined) return
      socket.off('data', onData)
      resolve(byte)
    }
    socket.on('data', onData)
    socket.write(statusRequest)
  })
}
